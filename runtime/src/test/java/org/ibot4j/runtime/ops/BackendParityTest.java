package org.ibot4j.runtime.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.ibot4j.runtime.backend.Backend;
import org.ibot4j.runtime.backend.Backends;
import org.ibot4j.runtime.backend.cpu.CpuBackend;
import org.ibot4j.runtime.random.Rng;
import org.ibot4j.runtime.tensor.IntTensor;
import org.ibot4j.runtime.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every op, forward and backward, under the scalar reference backend and under the Vector API backend (the
 * process default, and an explicit 3-thread one so rows split into uneven parallel chunks): the outputs and
 * input gradients agree to ~1e-5 relative to the values' scale. Inputs are large enough to engage the chunking.
 */
class BackendParityTest {
    private record Case(String name, Function<Tensor[], Tensor> fn, int[][] shapes, boolean positive) {
        @Override public String toString() { return name; }
    }

    private static Case c(String name, Function<Tensor[], Tensor> fn, int[]... shapes) { return new Case(name, fn, shapes, false); }

    private static Case pos(String name, Function<Tensor[], Tensor> fn, int[]... shapes) { return new Case(name, fn, shapes, true); }

    private static int[] s(int... d) { return d; }

    static Stream<Arguments> cases() {
        List<Case> cs = new ArrayList<>();
        cs.add(c("add_bcast", in -> in[0].add(in[1]), s(64, 96), s(96)));
        cs.add(c("sub", in -> in[0].sub(in[1]), s(64, 96), s(64, 96)));
        cs.add(c("mul_bcast", in -> in[0].mul(in[1]), s(64, 96), s(64, 1)));
        cs.add(pos("div", in -> in[0].div(in[1]), s(64, 96), s(64, 96)));
        cs.add(c("scalar_ops", in -> in[0].mul(1.7f).add(0.3f), s(300, 200)));
        cs.add(c("exp", in -> in[0].exp(), s(300, 200)));
        cs.add(pos("log", in -> in[0].log(), s(300, 200)));
        cs.add(pos("sqrt", in -> in[0].sqrt(), s(300, 200)));
        cs.add(c("tanh", in -> in[0].tanh(), s(300, 200)));
        cs.add(pos("pow", in -> in[0].pow(1.5f), s(300, 200)));
        cs.add(c("relu", in -> in[0].relu(), s(300, 200)));
        cs.add(c("sum_mean_max", in -> in[0].sum(1, false).add(in[0].mean(1, false)).add(in[0].max(1, false)), s(64, 96)));
        cs.add(c("shape_ops", in -> Tensor.concat(List.of(in[0].transpose(0, 1).slice(0, 2, 50).reshape(-1, 8),
                in[0].indexSelect(0, new int[] {3, 1, 3}).reshape(-1, 8)), 0).gather(1, IntTensor.of(gatherIndex(420, 2, 8), 420, 2)), s(64, 96)));
        cs.add(c("matmul_2d", in -> in[0].matmul(in[1]), s(64, 48), s(48, 80)));
        cs.add(c("matmul_tt", in -> MatMul.matmul(in[0], in[1], true, true), s(48, 64), s(80, 48)));
        cs.add(c("matmul_4d_2d", in -> in[0].matmul(in[1]), s(2, 3, 40, 32), s(32, 24)));
        cs.add(c("matmul_batched", in -> in[0].matmul(in[1].transpose(-2, -1)), s(6, 40, 32), s(6, 24, 32)));
        cs.add(c("softmax", in -> in[0].softmax(-1).add(in[0].softmax(0)), s(100, 96)));
        cs.add(c("log_softmax", in -> in[0].logSoftmax(-1), s(100, 96)));
        cs.add(c("layer_norm", in -> LayerNormOp.layerNorm(in[0], in[1], in[2], 1e-6f), s(300, 96), s(96), s(96)));
        cs.add(c("gelu", in -> Gelu.gelu(in[0]), s(300, 200)));
        cs.add(c("linear", in -> Linear.linear(in[0], in[1], in[2]), s(4, 50, 48), s(40, 48), s(40)));
        cs.add(c("conv2d_patch", in -> PatchConv.conv2dPatch(in[0], in[1], in[2]), s(2, 3, 16, 16), s(24, 3, 4, 4), s(24)));
        cs.add(c("dropout", in -> Dropout.dropout(in[0], 0.3f, true, new Rng(1)), s(300, 200)));
        cs.add(c("drop_path", in -> Dropout.dropPath(in[0], 0.3f, true, new Rng(2)), s(16, 50, 20)));
        cs.add(c("l2_normalize", in -> Normalize.l2Normalize(in[0], -1, 1e-12f), s(300, 64)));
        cs.add(c("weight_norm", in -> Normalize.weightNorm(in[0], in[1]), s(100, 1), s(100, 64)));
        cs.add(c("soft_ce", in -> CrossEntropy.softTargetCrossEntropy(in[0], in[1].softmax(-1), -1), s(200, 96), s(200, 96)));
        cs.add(c("bicubic", in -> Interpolate.bicubic(in[0], 6.1 / 14, 6.1 / 14), s(1, 32, 14, 14)));
        cs.add(c("attention", in -> {
            Attention.Result r = Attention.scaledDotProduct(in[0], in[1], in[2], 0.25f);
            return r.output().sum(-1, true).add(r.probs().sum(-1, true));
        }, s(2, 3, 50, 16), s(2, 3, 50, 16), s(2, 3, 50, 16)));
        return cs.stream().map(Arguments::of);
    }

    private static int[] gatherIndex(int rows, int cols, int bound) {
        int[] idx = new int[rows * cols];
        for (int i = 0; i < idx.length; i++) idx[i] = (i * 5 + 3) % bound;
        return idx;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void referenceAndVectorAgree(Case c) {
        Result ref = Backends.with(Backends.reference(), () -> run(c));
        Result dflt = run(c);
        Result vec3 = Backends.with(CpuBackend.vector(3), () -> run(c));
        compare(c.name(), "default " + Backends.current().name(), ref, dflt);
        compare(c.name(), "vector(3)", ref, vec3);
    }

    private record Result(float[] out, float[][] grads) {}

    private static Result run(Case c) {
        Rng rng = new Rng(c.name().hashCode());
        Tensor[] in = new Tensor[c.shapes().length];
        for (int i = 0; i < in.length; i++)
            in[i] = (c.positive() ? Tensor.uniform(rng, 0.5f, 2f, c.shapes()[i]) : Tensor.randn(rng, c.shapes()[i])).requiresGrad(true);
        Tensor out = c.fn().apply(in);
        out.backward(Tensor.randn(rng, out.dims()));
        float[][] g = new float[in.length][];
        for (int i = 0; i < in.length; i++) g[i] = in[i].grad() == null ? null : in[i].grad().toArray();
        return new Result(out.toArray(), g);
    }

    private static void compare(String op, String backend, Result ref, Result got) {
        assertClose(op + " output under " + backend, ref.out(), got.out());
        for (int i = 0; i < ref.grads().length; i++) {
            if (ref.grads()[i] == null) { assertEquals(null, got.grads()[i], op + " grad " + i); continue; }
            assertClose(op + " grad of input " + i + " under " + backend, ref.grads()[i], got.grads()[i]);
        }
    }

    private static void assertClose(String what, float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length, what + ": size");
        double scale = 1;
        for (float v : expected) scale = Math.max(scale, Math.abs(v));
        double tol = 1e-5 * scale;
        for (int i = 0; i < expected.length; i++)
            if (!(Math.abs(expected[i] - actual[i]) <= tol))
                throw new AssertionError(what + ": element " + i + " reference " + expected[i] + " vs " + actual[i] + " (tol " + tol + ")");
    }
}
