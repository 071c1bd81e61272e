package org.ibot4j.runtime.backend.cuda;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.ibot4j.runtime.ops.F;
import org.ibot4j.runtime.random.Rng;
import org.ibot4j.runtime.tensor.Device;
import org.ibot4j.runtime.tensor.Tensor;

/**
 * Every op on device tensors against the same op on the CPU: forward values and the gradient of every input (through a
 * random weighting of the output), on inputs that are strided, broadcast and sliced views. The GPU tests assert these
 * and the GPU check prints them (kept in main code so the check runs them from the jar). Uses
 * {@link CudaBackend#shared()}; its GEMM precision should be FP32 for these tolerances.
 */
public final class CudaOpsParity {
    private final List<CudaParity.Result> results = new ArrayList<>();

    private CudaOpsParity() {}

    /** Runs every check; each result's error is the largest |device − cpu| / max(1, |cpu|) over values and gradients. */
    public static List<CudaParity.Result> run() {
        CudaOpsParity p = new CudaOpsParity();
        p.elementwise();
        p.reductionsAndShapes();
        p.rowsAndProducts();
        p.imageOps();
        p.sixteenBitProducts();
        return p.results;
    }

    private static final double TOL = 2e-4;

    private void check(String name, Function<List<Tensor>, Tensor> f, int[]... shapes) {
        try {
            Rng rng = new Rng(name.hashCode());
            List<Tensor> cpu = new ArrayList<>(), dev = new ArrayList<>();
            for (int[] s : shapes) {
                Tensor t = Tensor.randn(rng, s);
                cpu.add(t.contiguousCopy().requiresGrad(true));
                dev.add(t.to(Device.CUDA).requiresGrad(true));
            }
            Tensor yc = f.apply(cpu), yd = f.apply(dev);
            if (yd.device() != Device.CUDA) throw new IllegalStateException("the result left the device");
            if (!yc.shape().equals(yd.shape())) throw new IllegalStateException("shape " + yd.shape() + " vs " + yc.shape());
            double err = error(yc.toArray(), yd.toArray());
            Tensor w = Tensor.randn(rng, yc.dims());
            yc.mul(w).sum().backward();
            yd.mul(w.to(Device.CUDA)).sum().backward();
            for (int i = 0; i < cpu.size(); i++) {
                if (cpu.get(i).grad() == null) continue;
                Tensor gd = dev.get(i).grad();
                if (gd == null) throw new IllegalStateException("input " + i + " got no gradient on the device");
                if (gd.device() != Device.CUDA) throw new IllegalStateException("gradient of input " + i + " is on the host");
                err = Math.max(err, error(cpu.get(i).grad().toArray(), gd.toArray()));
            }
            results.add(new CudaParity.Result("op " + name, err, TOL));
        } catch (RuntimeException e) {
            results.add(new CudaParity.Result("op " + name + " threw " + e, Double.POSITIVE_INFINITY, TOL));
        }
    }

    private static double error(float[] want, float[] got) {
        if (want.length != got.length) return Double.POSITIVE_INFINITY;
        double max = 0;
        for (int i = 0; i < want.length; i++) {
            if (Float.isNaN(want[i]) && Float.isNaN(got[i])) continue;
            double e = Math.abs((double) want[i] - got[i]) / Math.max(1, Math.abs(want[i]));
            if (!(e <= max)) max = Double.isNaN(e) ? Double.POSITIVE_INFINITY : e;
        }
        return max;
    }

    private void elementwise() {
        check("add", in -> in.get(0).add(in.get(1)), new int[] {3, 4, 5}, new int[] {1, 5});
        check("sub", in -> in.get(0).transpose(0, 1).sub(in.get(1)), new int[] {4, 3}, new int[] {3, 4});
        check("mul", in -> in.get(0).mul(in.get(1).slice(1, 1, 4)), new int[] {2, 3}, new int[] {2, 5});
        check("div", in -> in.get(0).div(in.get(1).mul(in.get(1)).add(1f)), new int[] {6}, new int[] {6});
        check("scalars", in -> in.get(0).mul(3f).add(2f).neg(), new int[] {7, 3});
        check("exp-log-sqrt", in -> in.get(0).mul(in.get(0)).add(1f).log().sqrt().exp(), new int[] {5, 5});
        check("tanh-pow-relu", in -> in.get(0).tanh().add(in.get(0).relu().pow(2f)), new int[] {9, 4});
    }

    private void reductionsAndShapes() {
        check("sum", in -> in.get(0).permute(2, 0, 1).sum(new int[] {0, 2}, true), new int[] {3, 4, 5});
        check("mean", in -> in.get(0).mean(1, false), new int[] {4, 6});
        check("sum-all", in -> in.get(0).slice(0, 1, 3).sum().reshape(1), new int[] {4, 3});
        check("concat-slice", in -> Tensor.concat(List.of(in.get(0), in.get(1).slice(0, 0, 2)), 0), new int[] {3, 4}, new int[] {5, 4});
        check("index-select", in -> in.get(0).indexSelect(1, new int[] {2, 0, 2}), new int[] {3, 4});
        check("where", in -> Tensor.where(in.get(0).relu(), in.get(1), in.get(2)), new int[] {4, 5}, new int[] {4, 5}, new int[] {1, 5});
        check("masked-fill", in -> in.get(0).maskedFill(in.get(1).relu().detach(), -2f), new int[] {3, 6}, new int[] {3, 6});
        check("max", in -> in.get(0).max(1, true), new int[] {4, 6});
        check("gather", in -> in.get(0).transpose(0, 1).gather(1, new org.ibot4j.runtime.tensor.IntTensor(
                new int[] {2, 0, 2, 1, 1, 0, 0, 2}, org.ibot4j.runtime.tensor.Shape.of(4, 2))), new int[] {3, 4});
    }

    private void rowsAndProducts() {
        check("softmax", in -> in.get(0).softmax(-1), new int[] {5, 7});
        check("log-softmax-dim0", in -> in.get(0).logSoftmax(0), new int[] {5, 7});
        check("softmax-wide", in -> in.get(0).softmax(-1), new int[] {3, 8192});
        check("layer-norm", in -> F.layerNorm(in.get(0), in.get(1), in.get(2), 1e-6f), new int[] {6, 8}, new int[] {8}, new int[] {8});
        check("layer-norm-384", in -> F.layerNorm(in.get(0), in.get(1), in.get(2), 1e-6f), new int[] {37, 384}, new int[] {384}, new int[] {384});
        check("gelu", in -> F.gelu(in.get(0)), new int[] {33});
        check("linear", in -> F.linear(in.get(0), in.get(1), in.get(2)), new int[] {2, 3, 5}, new int[] {4, 5}, new int[] {4});
        check("matmul-batched-transposed", in -> F.matmul(in.get(0), in.get(1), false, true), new int[] {2, 3, 4}, new int[] {2, 5, 4});
        check("attention", in -> F.scaledDotProductAttention(in.get(0), in.get(1), in.get(2), 0.5f).output(),
                new int[] {2, 2, 5, 4}, new int[] {2, 2, 5, 4}, new int[] {2, 2, 5, 3});
        check("normalize", in -> F.normalize(in.get(0), -1, 1e-12f), new int[] {4, 6});
        check("weight-norm", in -> F.weightNorm(in.get(0), in.get(1)), new int[] {5, 1}, new int[] {5, 6});
        check("soft-ce", in -> F.softTargetCrossEntropy(in.get(0), in.get(1).softmax(-1), -1), new int[] {3, 7}, new int[] {3, 7});
    }

    /**
     * The bf16 and fp16 GEMM paths (operands converted on the device, float32 accumulation) on operands that both
     * formats hold exactly (multiples of 1/8 below 16): the product must equal the CPU's. The shared backend's
     * precision is restored afterwards.
     */
    private void sixteenBitProducts() {
        GemmPrecision before = CudaBackend.shared().precision();
        Rng rng = new Rng(16);
        float[] a = new float[37 * 29], b = new float[29 * 23];
        for (int i = 0; i < a.length; i++) a[i] = (rng.nextInt(128) - 64) / 8f;
        for (int i = 0; i < b.length; i++) b[i] = (rng.nextInt(128) - 64) / 8f;
        Tensor ta = Tensor.of(a, 37, 29), tb = Tensor.of(b, 29, 23);
        float[] want = ta.matmul(tb).toArray();
        for (GemmPrecision p : new GemmPrecision[] {GemmPrecision.BF16, GemmPrecision.FP16}) {
            try {
                CudaBackend.useShared(p);
                float[] got = ta.to(Device.CUDA).matmul(tb.to(Device.CUDA).transpose(0, 1).contiguous().transpose(0, 1)).toArray();
                results.add(new CudaParity.Result("op matmul-" + p.name().toLowerCase() + "-exact-operands", error(want, got), 1e-6));
            } catch (RuntimeException e) {
                results.add(new CudaParity.Result("op matmul-" + p.name().toLowerCase() + " threw " + e, Double.POSITIVE_INFINITY, 1e-6));
            } finally {
                CudaBackend.useShared(before);
            }
        }
    }

    private void imageOps() {
        check("patch-conv", in -> F.conv2dPatch(in.get(0), in.get(1), in.get(2)), new int[] {2, 3, 9, 8}, new int[] {5, 3, 4, 4}, new int[] {5});
        check("bicubic", in -> F.interpolateBicubic(in.get(0), 6.1 / 4, 5.1 / 4), new int[] {1, 3, 4, 4});
        check("drop-path-same-masks", in -> F.dropPath(in.get(0), 0.5f, true, new Rng(3)), new int[] {6, 2, 3});
    }
}
