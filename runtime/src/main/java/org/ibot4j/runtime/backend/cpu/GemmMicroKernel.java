package org.ibot4j.runtime.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The SGEMM micro-kernel: one {@value #MR}×{@link #NR} tile of C held in 12 vector registers
 * (6 rows × 2 vectors of {@link #L} floats), updated with one FMA per register per step of K: 6
 * broadcasts from A against 2 vector loads from an NR-wide strip of packed B.
 *
 * <p>A is addressed by a step stride and a row stride, so the same kernel reads a packed MR-tall strip
 * (steps of MR, rows of 1) or a row-major A in place (steps of 1, rows of lda).
 * The code is written out in full (no loops over registers) so C2 keeps every accumulator in a register:
 * 12 accumulators, 2 B vectors and a broadcast fit the 16 vector registers of AVX2 as well as the 32 of
 * AVX-512. On Zen 4 (AVX-512 executed as 2×256) 512- and 256-bit species measured the same in this kernel
 * (~115 GFLOP/s per core with operands in L1/L2), and other tiles (8×2, 12×2, 4×4, 6×3 vectors) no faster;
 * the preferred species halves the instruction count.
 */
final class GemmMicroKernel {
    /** The machine's preferred vector shape (16 floats with AVX-512, 8 with AVX2). */
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Floats per vector. */
    static final int L = S.length();
    /** Rows of the register tile (the A strip height). */
    static final int MR = 6;
    /** Vectors per tile row. */
    static final int NV = 2;
    /** Columns of the register tile (the packed B strip width). */
    static final int NR = NV * L;

    private GemmMicroKernel() {}

    /**
     * C[0..MR)[0..NR) (at {@code cOff}, row stride {@code ldc}) = alpha · A·Bp + beta · C over {@code kc} steps.
     * Row r of A at step p is {@code a[aOff + p·stepA + r·rowA]}; Bp is an NR-wide packed strip (NR floats per
     * step). beta == 0 writes without reading C, so NaNs there are ignored.
     */
    static void kernel(int kc, float[] a, int aOff, int stepA, int rowA, float[] bp, int bOff,
                       float[] c, int cOff, int ldc, float alpha, float beta) {
        int r1 = rowA, r2 = 2 * rowA, r3 = 3 * rowA, r4 = 4 * rowA, r5 = 5 * rowA;
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            int ai = aOff + p * stepA, bi = bOff + p * NR;
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector a0 = FloatVector.broadcast(S, a[ai]);
            c00 = a0.fma(b0, c00); c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(S, a[ai + r1]);
            c10 = a1.fma(b0, c10); c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(S, a[ai + r2]);
            c20 = a2.fma(b0, c20); c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(S, a[ai + r3]);
            c30 = a3.fma(b0, c30); c31 = a3.fma(b1, c31);
            FloatVector a4 = FloatVector.broadcast(S, a[ai + r4]);
            c40 = a4.fma(b0, c40); c41 = a4.fma(b1, c41);
            FloatVector a5 = FloatVector.broadcast(S, a[ai + r5]);
            c50 = a5.fma(b0, c50); c51 = a5.fma(b1, c51);
        }
        FloatVector va = FloatVector.broadcast(S, alpha);
        if (beta == 0f) {
            c00.mul(va).intoArray(c, cOff); c01.mul(va).intoArray(c, cOff + L);
            c10.mul(va).intoArray(c, cOff + ldc); c11.mul(va).intoArray(c, cOff + ldc + L);
            c20.mul(va).intoArray(c, cOff + 2 * ldc); c21.mul(va).intoArray(c, cOff + 2 * ldc + L);
            c30.mul(va).intoArray(c, cOff + 3 * ldc); c31.mul(va).intoArray(c, cOff + 3 * ldc + L);
            c40.mul(va).intoArray(c, cOff + 4 * ldc); c41.mul(va).intoArray(c, cOff + 4 * ldc + L);
            c50.mul(va).intoArray(c, cOff + 5 * ldc); c51.mul(va).intoArray(c, cOff + 5 * ldc + L);
        } else {
            FloatVector vb = FloatVector.broadcast(S, beta);
            update(c00, va, vb, c, cOff); update(c01, va, vb, c, cOff + L);
            update(c10, va, vb, c, cOff + ldc); update(c11, va, vb, c, cOff + ldc + L);
            update(c20, va, vb, c, cOff + 2 * ldc); update(c21, va, vb, c, cOff + 2 * ldc + L);
            update(c30, va, vb, c, cOff + 3 * ldc); update(c31, va, vb, c, cOff + 3 * ldc + L);
            update(c40, va, vb, c, cOff + 4 * ldc); update(c41, va, vb, c, cOff + 4 * ldc + L);
            update(c50, va, vb, c, cOff + 5 * ldc); update(c51, va, vb, c, cOff + 5 * ldc + L);
        }
    }

    /**
     * The same for the first L columns of the strip only ({@code C[0..MR)[0..L)}): for the last strip of C
     * when at most L columns remain, at half the cost of the full tile. Each element gets exactly the
     * operations {@link #kernel} would give it.
     */
    static void kernelNarrow(int kc, float[] a, int aOff, int stepA, int rowA, float[] bp, int bOff,
                             float[] c, int cOff, int ldc, float alpha, float beta) {
        int r1 = rowA, r2 = 2 * rowA, r3 = 3 * rowA, r4 = 4 * rowA, r5 = 5 * rowA;
        FloatVector c00 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            int ai = aOff + p * stepA, bi = bOff + p * NR;
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector a0 = FloatVector.broadcast(S, a[ai]);
            c00 = a0.fma(b0, c00);
            FloatVector a1 = FloatVector.broadcast(S, a[ai + r1]);
            c10 = a1.fma(b0, c10);
            FloatVector a2 = FloatVector.broadcast(S, a[ai + r2]);
            c20 = a2.fma(b0, c20);
            FloatVector a3 = FloatVector.broadcast(S, a[ai + r3]);
            c30 = a3.fma(b0, c30);
            FloatVector a4 = FloatVector.broadcast(S, a[ai + r4]);
            c40 = a4.fma(b0, c40);
            FloatVector a5 = FloatVector.broadcast(S, a[ai + r5]);
            c50 = a5.fma(b0, c50);
        }
        FloatVector va = FloatVector.broadcast(S, alpha);
        if (beta == 0f) {
            c00.mul(va).intoArray(c, cOff);
            c10.mul(va).intoArray(c, cOff + ldc);
            c20.mul(va).intoArray(c, cOff + 2 * ldc);
            c30.mul(va).intoArray(c, cOff + 3 * ldc);
            c40.mul(va).intoArray(c, cOff + 4 * ldc);
            c50.mul(va).intoArray(c, cOff + 5 * ldc);
        } else {
            FloatVector vb = FloatVector.broadcast(S, beta);
            update(c00, va, vb, c, cOff);
            update(c10, va, vb, c, cOff + ldc);
            update(c20, va, vb, c, cOff + 2 * ldc);
            update(c30, va, vb, c, cOff + 3 * ldc);
            update(c40, va, vb, c, cOff + 4 * ldc);
            update(c50, va, vb, c, cOff + 5 * ldc);
        }
    }

    /** c[i..i+L) = acc·alpha + beta·c[i..i+L), rounded as {@code Math.fma(acc, alpha, beta * c)}. */
    private static void update(FloatVector acc, FloatVector alpha, FloatVector beta, float[] c, int i) {
        acc.fma(alpha, FloatVector.fromArray(S, c, i).mul(beta)).intoArray(c, i);
    }
}
