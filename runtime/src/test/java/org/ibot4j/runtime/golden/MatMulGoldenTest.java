package org.ibot4j.runtime.golden;

import org.ibot4j.runtime.ops.MatMul;
import org.junit.jupiter.api.Test;

/** Matrix products (2-D, batched, transposed operands as views and as flags, broadcast batches) vs PyTorch. */
class MatMulGoldenTest {
    @Test void matmul2d() { OpGolden.check("matmul_2d", in -> in.get("a").matmul(in.get("b"))); }

    @Test void bmm() { OpGolden.check("bmm", in -> in.get("a").matmul(in.get("b"))); }

    @Test void transposedViews() {
        OpGolden.check("matmul_tt", in -> in.get("a").transpose(0, 1).matmul(in.get("b").transpose(0, 1)));
    }

    @Test void transposedFlags() { OpGolden.check("matmul_tt", in -> MatMul.matmul(in.get("a"), in.get("b"), true, true)); }

    @Test void batchedTransposedRightView() {
        OpGolden.check("matmul_nt_batched", in -> in.get("q").matmul(in.get("k").transpose(-2, -1)));
    }

    @Test void batchedTransposedRightFlag() {
        OpGolden.check("matmul_nt_batched", in -> MatMul.matmul(in.get("q"), in.get("k"), false, true));
    }

    @Test void batchedTransposedLeftView() {
        OpGolden.check("matmul_tn_batched", in -> in.get("a").transpose(-2, -1).matmul(in.get("b")));
    }

    @Test void batchedTransposedLeftFlag() {
        OpGolden.check("matmul_tn_batched", in -> MatMul.matmul(in.get("a"), in.get("b"), true, false));
    }

    @Test void fourDimTimesTwoDim() { OpGolden.check("matmul_4d_2d", in -> in.get("a").matmul(in.get("b"))); }

    @Test void broadcastBatch() { OpGolden.check("matmul_bcast_batch", in -> in.get("a").matmul(in.get("b"))); }
}
