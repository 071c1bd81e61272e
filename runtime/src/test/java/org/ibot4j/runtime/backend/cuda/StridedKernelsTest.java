package org.ibot4j.runtime.backend.cuda;

import static org.ibot4j.runtime.backend.cuda.StridedKernels.DIMS;
import static org.ibot4j.runtime.backend.cuda.StridedKernels.N;
import static org.ibot4j.runtime.backend.cuda.StridedKernels.RANK;
import static org.ibot4j.runtime.backend.cuda.StridedKernels.SA;
import static org.ibot4j.runtime.backend.cuda.StridedKernels.SB;
import static org.ibot4j.runtime.backend.cuda.StridedKernels.SC;
import static org.ibot4j.runtime.backend.cuda.StridedKernels.SY;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The geometry packing of the strided kernels (no GPU needed): struct layout, dim merging, rejected views. */
class StridedKernelsTest {
    /** The 42-int struct must match strided.cu's {@code ibot_geo}: rank, n, then five arrays of 8. */
    @Test void packsRankNDimsAndStridesAtTheStructsIntPositions() {
        // a transposed A keeps both dims: nothing merges
        int[] g = StridedKernels.geo(new int[]{2, 3}, new int[]{1, 2}, new int[]{3, 1}, new int[]{0, 1}, new int[]{3, 1});
        assertEquals(42, g.length);
        assertEquals(2, g[RANK]);
        assertEquals(6, g[N]);
        assertEquals(List8.of(2, 3), List8.slice(g, DIMS));
        assertEquals(List8.of(1, 2), List8.slice(g, SA));
        assertEquals(List8.of(3, 1), List8.slice(g, SB));
        assertEquals(List8.of(0, 1), List8.slice(g, SC));
        assertEquals(List8.of(3, 1), List8.slice(g, SY));
        for (int at : new int[]{DIMS, SA, SB, SC, SY})
            for (int k = 2; k < 8; k++) assertEquals(0, g[at + k], "padding int " + (at + k));
        assertEquals(2, DIMS);
        assertEquals(10, SA);
        assertEquals(18, SB);
        assertEquals(26, SC);
        assertEquals(34, SY);
    }

    @Test void nullStridesPackAsZeros() {
        int[] g = StridedKernels.geo(new int[]{4, 5}, null, null, null, new int[]{1, 4});
        assertEquals(2, g[RANK]);
        assertEquals(20, g[N]);
        for (int i = SA; i < SY; i++) assertEquals(0, g[i], "int " + i);
        assertEquals(List8.of(1, 4), List8.slice(g, SY));
    }

    @Test void aContiguous3dCopyMergesToRankOne() {
        int[] c = {12, 4, 1};
        int[] g = StridedKernels.geo(new int[]{2, 3, 4}, c, null, null, c);
        assertEquals(1, g[RANK]);
        assertEquals(24, g[N]);
        assertEquals(List8.of(24), List8.slice(g, DIMS));
        assertEquals(List8.of(1), List8.slice(g, SA));
        assertEquals(List8.of(1), List8.slice(g, SY));
    }

    @Test void aTransposeDoesNotMerge() {
        int[] g = StridedKernels.geo(new int[]{3, 4}, new int[]{1, 3}, null, null, new int[]{4, 1});
        assertEquals(2, g[RANK]);
        assertEquals(List8.of(3, 4), List8.slice(g, DIMS));
        assertEquals(List8.of(1, 3), List8.slice(g, SA));
        assertEquals(List8.of(4, 1), List8.slice(g, SY));
    }

    @Test void mergesOnlyTheDimsContiguousForEveryOperand() {
        // A is [2,3,4] with its last two dims contiguous but the first transposed away; y is fully contiguous
        int[] g = StridedKernels.geo(new int[]{2, 3, 4}, new int[]{1, 8, 2}, null, null, new int[]{12, 4, 1});
        assertEquals(2, g[RANK]);
        assertEquals(List8.of(2, 12), List8.slice(g, DIMS));
        assertEquals(List8.of(1, 2), List8.slice(g, SA));
        assertEquals(List8.of(12, 1), List8.slice(g, SY));
    }

    @Test void broadcastDimsMergeWhenEveryOperandAgrees() {
        int[] scalar = StridedKernels.geo(new int[]{2, 3, 4}, new int[]{0, 0, 0}, null, null, new int[]{12, 4, 1});
        assertEquals(1, scalar[RANK]);
        assertEquals(List8.of(0), List8.slice(scalar, SA));
        // a row broadcast over the rows: the row dim cannot join the column dim
        int[] row = StridedKernels.geo(new int[]{5, 4}, new int[]{0, 1}, null, null, new int[]{4, 1});
        assertEquals(2, row[RANK]);
        assertEquals(List8.of(0, 1), List8.slice(row, SA));
    }

    @Test void sizeOneDimsAreDropped() {
        int[] g = StridedKernels.geo(new int[]{1, 3, 1, 4}, new int[]{99, 4, 7, 1}, null, null, new int[]{12, 4, 4, 1});
        assertEquals(1, g[RANK]);
        assertEquals(12, g[N]);
        int[] t = StridedKernels.geo(new int[]{3, 1, 4}, new int[]{1, 5, 3}, null, null, new int[]{4, 4, 1});
        assertEquals(2, t[RANK]);
        assertEquals(List8.of(3, 4), List8.slice(t, DIMS));
        assertEquals(List8.of(1, 3), List8.slice(t, SA));
    }

    @Test void scalarsAndEmptyViews() {
        int[] s = StridedKernels.geo(new int[0], new int[0], null, null, new int[0]);
        assertEquals(0, s[RANK]);
        assertEquals(1, s[N]);
        int[] ones = StridedKernels.geo(new int[]{1, 1}, new int[]{5, 5}, null, null, new int[]{1, 1});
        assertEquals(0, ones[RANK]);
        assertEquals(1, ones[N]);
        int[] empty = StridedKernels.geo(new int[]{3, 0, 2}, new int[]{2, 2, 1}, null, null, new int[]{0, 2, 1});
        assertEquals(0, empty[N]);
        assertArrayEquals(new int[42], empty);
    }

    @Test void highRankViewsFitWhenTheyMergeAndAreRejectedWhenTheyDoNot() {
        int[] dims = new int[10], contiguous = new int[10];
        Arrays.fill(dims, 2);
        for (int d = 0; d < 10; d++) contiguous[d] = 1 << (9 - d);
        int[] g = StridedKernels.geo(dims, contiguous, null, null, contiguous);
        assertEquals(1, g[RANK]);
        assertEquals(1024, g[N]);

        int[] nine = new int[9], rowMajor = new int[9], reversed = new int[9];
        Arrays.fill(nine, 2);
        for (int d = 0; d < 9; d++) { rowMajor[d] = 1 << (8 - d); reversed[d] = 1 << d; }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StridedKernels.geo(nine, reversed, null, null, rowMajor));
        assertTrue(e.getMessage().contains("rank 9"), e.getMessage());
        assertTrue(e.getMessage().contains("maximum 8"), e.getMessage());
    }

    @Test void badViewsAreRejectedWithTheirProblem() {
        IllegalArgumentException rank = assertThrows(IllegalArgumentException.class,
                () -> StridedKernels.geo(new int[]{2, 3}, new int[]{1}, null, null, new int[]{3, 1}));
        assertTrue(rank.getMessage().contains("sa"), rank.getMessage());
        IllegalArgumentException big = assertThrows(IllegalArgumentException.class,
                () -> StridedKernels.geo(new int[]{1 << 16, 1 << 16}, null, null, null, new int[]{1 << 16, 1}));
        assertTrue(big.getMessage().contains("elements"), big.getMessage());
        assertThrows(IllegalArgumentException.class, () -> StridedKernels.geo(new int[]{-1}, null, null, null, new int[]{1}));
        // missing inputs are caught before any launch (so no GPU is needed to see it)
        IllegalArgumentException add = assertThrows(IllegalArgumentException.class, () -> StridedKernels.map(MapOp.ADD, 0f,
                new int[]{4}, 64, new int[]{1}, 0, null, 0, null, 128, new int[]{1}));
        assertTrue(add.getMessage().contains("ADD reads B"), add.getMessage());
        IllegalArgumentException emptyMax = assertThrows(IllegalArgumentException.class, () -> StridedKernels.reduce(true,
                new int[]{3}, new int[]{0}, new int[]{1}, new int[]{0}, new int[]{1}, 64, 128, 0));
        assertTrue(emptyMax.getMessage().contains("empty"), emptyMax.getMessage());
    }

    /** The kernel switches on MapOp ordinals: a reordered or renamed enum must fail here, not silently on a GPU. */
    @Test void mapOpCodesMatchTheKernelSwitch() {
        assertEquals("[COPY, FILL, ADD_SCALAR, MUL_SCALAR, EXP, LOG, SQRT, TANH, POW, RELU, ADD, SUB, MUL, DIV, WHERE, "
                + "RELU_GRAD, MASKED_FILL, AXPY, SQUARE, MAX_SCALAR]", Arrays.toString(MapOp.values()));
        String src = CudaKernels.source("strided");
        for (MapOp op : MapOp.values()) {
            String line = src.lines().filter(l -> l.contains("case " + op.ordinal() + ":")).findFirst().orElse("");
            assertTrue(line.endsWith("// " + op.name()), op + " is not case " + op.ordinal() + " of ibot_map: " + line);
        }
        assertTrue(src.contains("int dims[IBOT_MAX_RANK];") && src.contains("#define IBOT_MAX_RANK 8"));
        assertEquals("strided", CudaKernels.fileOf("ibot_map"));
        assertEquals("strided", CudaKernels.fileOf("ibot_reduce"));
    }

    /** The first ints of an 8-int array of the struct, up to its trailing zeros, for readable assertions. */
    private record List8(String text) {
        static List8 of(int... v) { return new List8(Arrays.toString(v)); }

        static List8 slice(int[] g, int at) {
            int len = g[RANK];
            return new List8(Arrays.toString(Arrays.copyOfRange(g, at, at + len)));
        }
    }
}
