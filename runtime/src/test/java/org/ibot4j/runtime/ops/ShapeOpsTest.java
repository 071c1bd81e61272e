package org.ibot4j.runtime.ops;

import static org.ibot4j.runtime.testing.Tensors.assertClose;
import static org.ibot4j.runtime.testing.Tensors.randn;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.ibot4j.runtime.testing.GradCheck;
import org.ibot4j.runtime.tensor.IntTensor;
import org.ibot4j.runtime.tensor.Tensor;
import org.junit.jupiter.api.Test;

class ShapeOpsTest {
    /** [[0,1,2],[3,4,5]]. */
    private static Tensor x23() { return Tensor.of(new float[] {0, 1, 2, 3, 4, 5}, 2, 3); }

    @Test void viewsForwardValues() {
        Tensor x = x23();
        Tensor t = x.transpose(0, 1);
        assertArrayEquals(new int[] {3, 2}, t.dims());
        assertFalse(t.isContiguous());
        assertSame(x.storage(), t.storage());
        assertClose(new float[] {0, 3, 1, 4, 2, 5}, t, 0);
        assertClose(new float[] {0, 3, 1, 4, 2, 5}, t.reshape(6), 0);  // reshape of a strided view copies
        assertClose(new float[] {0, 1, 2, 3, 4, 5}, x.reshape(3, -1), 0);
        Tensor p = Tensor.arange(24).reshape(2, 3, 4).permute(2, 0, 1);
        assertArrayEquals(new int[] {4, 2, 3}, p.dims());
        assertEquals(13f, p.get(1, 1, 0));  // = original [1,0,1]
        assertClose(new float[] {1, 2, 4, 5}, x.slice(1, 1, 3), 0);
        assertClose(new float[] {0, 2, 3, 5}, x.slice(1, 0, 3, 2), 0);
        assertClose(new float[] {1, 4}, x.select(1, 1), 0);
        assertClose(new float[] {3, 4, 5}, x.select(0, -1), 0);
        assertArrayEquals(new int[] {2, 1, 3}, x.unsqueeze(1).dims());
        assertArrayEquals(new int[] {2, 3}, x.unsqueeze(1).squeeze(1).dims());
        assertClose(new float[] {0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 5}, x.unsqueeze(0).expand(2, 2, 3), 0);
        assertClose(new float[] {0, 1, 2, 3, 4, 5}, t.contiguous().transpose(0, 1).contiguous(), 0);
        assertTrue(t.contiguous().isContiguous());
        assertArrayEquals(new int[] {2, 12}, Tensor.arange(24).reshape(2, 3, 4).flatten(1, 2).dims());
        assertThrows(IllegalArgumentException.class, () -> x.squeeze(0));
        assertThrows(IllegalArgumentException.class, () -> x.reshape(4, -1));
    }

    @Test void copiesForwardValues() {
        Tensor x = x23();
        List<Tensor> parts = x.split(2, 1);
        assertEquals(2, parts.size());
        assertClose(new float[] {2, 5}, parts.get(1), 0);
        assertClose(new float[] {0, 1, 2, 3, 4, 5, 2, 5}, Tensor.concat(List.of(x.reshape(6), parts.get(1).reshape(2)), 0), 0);
        assertClose(new float[] {0, 1, 2, 2, 3, 4, 5, 5}, Tensor.concat(List.of(x, parts.get(1)), 1), 0);
        assertClose(new float[] {2, 0, 2, 5, 3, 5}, x.indexSelect(1, new int[] {2, 0, 2}), 0);
        assertClose(new float[] {1, 0, 5, 5}, x.gather(1, IntTensor.of(new int[] {1, 0, 2, 2}, 2, 2)), 0);
        Tensor mask = Tensor.of(new float[] {1, 0, 1}, 3);
        assertClose(new float[] {-1, 1, -1, -1, 4, -1}, x.maskedFill(mask, -1f), 0);
        Tensor cond = Tensor.of(new float[] {1, 0}, 2, 1);
        assertClose(new float[] {0, 1, 2, 7, 7, 7}, Tensor.where(cond, x, Tensor.full(org.ibot4j.runtime.tensor.Shape.of(1), 7f)), 0);
    }

    @Test void gradViews() {
        GradCheck.of("reshape", in -> in[0].reshape(4, 6).mul(in[0].reshape(4, 6))).check(randn(1, 2, 3, 4));
        GradCheck.of("reshape_strided", in -> in[0].transpose(0, 2).reshape(-1)).check(randn(2, 2, 3, 4));
        GradCheck.of("flatten", in -> in[0].flatten(0, 1)).check(randn(3, 2, 3, 4));
        GradCheck.of("permute", in -> in[0].permute(2, 0, 1).mul(Tensor.arange(24).reshape(4, 2, 3))).check(randn(4, 2, 3, 4));
        GradCheck.of("transpose", in -> in[0].transpose(-1, 0).mul(Tensor.arange(24).reshape(4, 3, 2))).check(randn(5, 2, 3, 4));
        GradCheck.of("expand", in -> in[0].expand(3, 2, 4).mul(Tensor.arange(24).reshape(3, 2, 4))).check(randn(6, 2, 1));
        GradCheck.of("unsqueeze", in -> in[0].unsqueeze(1).mul(Tensor.arange(6).reshape(2, 1, 3))).check(randn(7, 2, 3));
        GradCheck.of("squeeze", in -> in[0].squeeze(1).mul(Tensor.arange(6).reshape(2, 3))).check(randn(8, 2, 1, 3));
        GradCheck.of("slice", in -> in[0].slice(1, 1, 4)).check(randn(9, 2, 5));
        GradCheck.of("slice_step", in -> in[0].slice(1, 0, 5, 2).mul(3f)).check(randn(10, 2, 5));
        GradCheck.of("select", in -> in[0].select(0, 1).mul(in[0].select(1, 2).unsqueeze(0))).check(randn(11, 3, 3));
        GradCheck.of("contiguous", in -> in[0].transpose(0, 1).contiguous().mul(Tensor.arange(6).reshape(3, 2))).check(randn(12, 2, 3));
    }

    @Test void gradCopies() {
        GradCheck.of("split", in -> {
            List<Tensor> p = in[0].split(2, 1);  // [3,2], [3,2], [3,1]
            return p.get(0).mul(p.get(1)).sum(1, true).add(p.get(2));
        }).check(randn(1, 3, 5));
        GradCheck.of("concat", in -> Tensor.concat(List.of(in[0], in[1].mul(2f), in[0]), 1)).check(randn(2, 2, 3), randn(3, 2, 1));
        GradCheck.of("concat_dim0", in -> Tensor.concat(List.of(in[0], in[1]), 0)).check(randn(4, 1, 3), randn(5, 2, 3));
        GradCheck.of("index_select", in -> in[0].indexSelect(1, new int[] {2, 0, 2, 3})).check(randn(6, 2, 4, 2));
        GradCheck.of("gather", in -> in[0].gather(1, IntTensor.of(new int[] {1, 1, 0, 3, 2, 2}, 2, 3))).check(randn(7, 2, 4));
        GradCheck.of("gather_dim0", in -> in[0].gather(0, IntTensor.of(new int[] {1, 0, 1, 1}, 1, 4))).check(randn(8, 2, 4));
        Tensor mask = Tensor.of(new float[] {0, 1, 0, 0, 1, 1}, 2, 3);
        GradCheck.of("masked_fill", in -> in[0].maskedFill(mask, 0.25f)).check(randn(9, 2, 3));
        GradCheck.of("masked_fill_bcast", in -> in[0].maskedFill(Tensor.of(new float[] {1, 0, 0}, 3), -2f)).check(randn(10, 2, 3));
        Tensor cond = Tensor.of(new float[] {1, 0, 1, 0, 0, 1}, 2, 3);
        GradCheck.of("where", in -> Tensor.where(cond, in[0], in[1])).check(randn(11, 2, 3), randn(12, 2, 3));
        GradCheck.of("where_bcast", in -> Tensor.where(cond, in[0], in[1])).check(randn(13, 3), randn(14, 2, 1));
    }
}
