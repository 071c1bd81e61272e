package org.ibot4j.runtime.golden;

import org.junit.jupiter.api.Test;

/** Broadcasting binary ops, scalar ops and unary maps against PyTorch: outputs and input gradients. */
class ElementwiseGoldenTest {
    @Test void addBroadcast() { OpGolden.check("add_bcast", in -> in.get("a").add(in.get("b"))); }

    @Test void subBroadcast() { OpGolden.check("sub_bcast", in -> in.get("a").sub(in.get("b"))); }

    @Test void mulBothBroadcast() { OpGolden.check("mul_bcast", in -> in.get("a").mul(in.get("b"))); }

    @Test void divBroadcast() { OpGolden.check("div_bcast", in -> in.get("a").div(in.get("b"))); }

    @Test void addScalar() { OpGolden.check("add_scalar", in -> in.get("x").add(1.5f)); }

    @Test void mulScalar() { OpGolden.check("mul_scalar", in -> in.get("x").mul(-2.5f)); }

    @Test void exp() { OpGolden.check("exp", in -> in.get("x").exp()); }

    @Test void log() { OpGolden.check("log", in -> in.get("x").log()); }

    @Test void sqrt() { OpGolden.check("sqrt", in -> in.get("x").sqrt()); }

    @Test void tanh() { OpGolden.check("tanh", in -> in.get("x").tanh()); }

    @Test void powInteger() { OpGolden.check("pow_int", in -> in.get("x").pow(3f)); }

    @Test void powFractional() { OpGolden.check("pow_frac", in -> in.get("x").pow(2.5f)); }

    @Test void relu() { OpGolden.check("relu", in -> in.get("x").relu()); }
}
