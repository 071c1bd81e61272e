package org.ibot4j.runtime.golden;

import java.util.List;
import java.util.Map;
import org.ibot4j.runtime.tensor.IntTensor;
import org.ibot4j.runtime.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Views, copies and index ops against PyTorch (their gradients route values back to the right places). */
class ShapeOpsGoldenTest {
    @Test void reshape() { OpGolden.check("reshape", in -> in.get("x").reshape(4, 6)); }

    @Test void permuteContiguous() { OpGolden.check("permute", in -> in.get("x").permute(2, 0, 1).contiguous()); }

    @Test void transposeContiguous() { OpGolden.check("transpose", in -> in.get("x").transpose(0, 2).contiguous()); }

    @Test void expand() { OpGolden.check("expand", in -> in.get("x").expand(2, 3, 4)); }

    @Test void sliceRange() { OpGolden.check("slice_range", in -> in.get("x").slice(1, 1, 3)); }

    @Test void sliceStep() { OpGolden.check("slice_step", in -> in.get("x").slice(2, 0, 5, 2)); }

    @Test void select() { OpGolden.check("select", in -> in.get("x").select(1, 1)); }

    @Test void concatDim1() { OpGolden.check("cat_dim1", in -> Tensor.concat(List.of(in.get("a"), in.get("b")), 1)); }

    @Test void concatDim0() {
        OpGolden.check("cat_dim0", in -> Tensor.concat(List.of(in.get("a"), in.get("b"), in.get("c")), 0));
    }

    @Test void split() {
        OpGolden.checkMulti("split", Tol.OP, in -> {
            List<Tensor> parts = in.get("x").split(3, 0);
            return Map.of("out0", parts.get(0), "out1", parts.get(1), "out2", parts.get(2));
        });
    }

    @Test void indexSelectRepeated() {
        int[] index = FixtureReader.torch("index_select").metaInts("index");
        OpGolden.check("index_select", in -> in.get("x").indexSelect(1, index));
    }

    @Test void gather() {
        Fixture f = FixtureReader.torch("gather");
        IntTensor index = IntTensor.of(f.metaInts("index"), f.metaInts("index_shape"));
        OpGolden.check("gather", in -> in.get("x").gather(1, index));
    }

    @Test void maskedFillBroadcastMask() { OpGolden.check("masked_fill", in -> in.get("x").maskedFill(in.get("mask"), -5f)); }

    @Test void where() { OpGolden.check("where", in -> Tensor.where(in.get("cond"), in.get("a"), in.get("b"))); }
}
