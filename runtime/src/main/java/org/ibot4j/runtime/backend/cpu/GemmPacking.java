package org.ibot4j.runtime.backend.cpu;

import static org.ibot4j.runtime.backend.cpu.GemmMicroKernel.L;
import static org.ibot4j.runtime.backend.cpu.GemmMicroKernel.MR;
import static org.ibot4j.runtime.backend.cpu.GemmMicroKernel.NR;
import static org.ibot4j.runtime.backend.cpu.GemmMicroKernel.S;

import jdk.incubator.vector.FloatVector;

/**
 * Copies blocks of op(A) and op(B) into the contiguous strip layouts the {@link GemmMicroKernel} streams
 * through. A block of op(A) (mc×kc) becomes MR-tall strips, each stored step by step (MR floats per step of
 * K); a block of op(B) (kc×nc) becomes NR-wide strips, NR floats per step. Strips past the matrix edge are
 * padded with zeros, so the kernel always works on whole tiles.
 */
final class GemmPacking {
    private GemmPacking() {}

    /**
     * Packs op(A)[i0, i0+mc) × [p0, p0+kc) into {@code dst}: strip s (rows i0+s·MR ...) starts at s·MR·kc,
     * element (row r, step p) of a strip at p·MR + r.
     */
    static void packA(boolean transA, float[] a, int aOff, int lda, int i0, int mc, int p0, int kc, float[] dst) {
        for (int s = 0; s < mc; s += MR) {
            int rows = Math.min(MR, mc - s), base = s * kc;
            if (transA) {
                // op(A)[i][p] = a[p*lda + i]: each step's MR values are contiguous in the source.
                int src = aOff + p0 * lda + i0 + s;
                if (rows == MR) {
                    for (int p = 0; p < kc; p++, src += lda) {
                        int d = base + p * MR;
                        for (int r = 0; r < MR; r++) dst[d + r] = a[src + r];
                    }
                } else {
                    for (int p = 0; p < kc; p++, src += lda) {
                        int d = base + p * MR;
                        for (int r = 0; r < MR; r++) dst[d + r] = r < rows ? a[src + r] : 0f;
                    }
                }
            } else {
                // op(A)[i][p] = a[i*lda + p]: read each source row along K, write it with stride MR.
                for (int r = 0; r < MR; r++) {
                    int d = base + r;
                    if (r < rows) {
                        int src = aOff + (i0 + s + r) * lda + p0;
                        for (int p = 0; p < kc; p++) dst[d + p * MR] = a[src + p];
                    } else {
                        for (int p = 0; p < kc; p++) dst[d + p * MR] = 0f;
                    }
                }
            }
        }
    }

    /**
     * Packs op(B)[p0, p0+kc) × [j0, j0+nc) into {@code dst}: strip s (columns j0+s·NR ...) starts at s·NR·kc,
     * element (step p, column c) of a strip at p·NR + c.
     */
    static void packB(boolean transB, float[] b, int bOff, int ldb, int p0, int kc, int j0, int nc, float[] dst) {
        for (int s = 0; s < nc; s += NR) {
            int cols = Math.min(NR, nc - s), base = s * kc;
            if (!transB) {
                // op(B)[p][j] = b[p*ldb + j]: each step's NR values are contiguous in the source.
                int src = bOff + p0 * ldb + j0 + s;
                if (cols == NR) {
                    for (int p = 0; p < kc; p++, src += ldb) {
                        int d = base + p * NR;
                        for (int v = 0; v < NR; v += L) FloatVector.fromArray(S, b, src + v).intoArray(dst, d + v);
                    }
                } else {
                    for (int p = 0; p < kc; p++, src += ldb) {
                        int d = base + p * NR;
                        for (int c = 0; c < NR; c++) dst[d + c] = c < cols ? b[src + c] : 0f;
                    }
                }
            } else {
                // op(B)[p][j] = b[j*ldb + p]: read each source row along K, write it with stride NR.
                for (int c = 0; c < NR; c++) {
                    int d = base + c;
                    if (c < cols) {
                        int src = bOff + (j0 + s + c) * ldb + p0;
                        for (int p = 0; p < kc; p++) dst[d + p * NR] = b[src + p];
                    } else {
                        for (int p = 0; p < kc; p++) dst[d + p * NR] = 0f;
                    }
                }
            }
        }
    }
}
