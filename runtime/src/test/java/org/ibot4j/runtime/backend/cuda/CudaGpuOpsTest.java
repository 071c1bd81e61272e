package org.ibot4j.runtime.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.ibot4j.nativebind.cuda.Cublas;
import org.ibot4j.nativebind.cuda.Cuda;
import org.ibot4j.nativebind.cuda.Nvrtc;
import org.ibot4j.runtime.ops.F;
import org.ibot4j.runtime.random.Rng;
import org.ibot4j.runtime.tensor.Device;
import org.ibot4j.runtime.tensor.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every op on device tensors against the same op on the CPU: forward values and the gradients of every input (through
 * a random weighting of the output), with inputs that are strided, broadcast and sliced views. Runs on a GPU or on
 * the host-memory fakes (scripts/fake-cuda-check.sh); skips with the reason otherwise.
 */
class CudaGpuOpsTest {
    @BeforeAll
    static void needCuda() {
        assumeTrue(Cuda.available(), () -> "no GPU: " + Cuda.unavailableReason());
        assumeTrue(Cublas.isLoaded(), () -> "no cuBLAS: " + Cublas.unavailableReason());
        assumeTrue(Nvrtc.isLoaded(), () -> "no NVRTC: " + Nvrtc.unavailableReason());
    }

    /** Runs f on CPU leaves and on their device copies; compares outputs and input gradients. */
    private static void check(String name, Function<List<Tensor>, Tensor> f, int[]... shapes) {
        Rng rng = new Rng(name.hashCode());
        List<Tensor> cpu = new ArrayList<>(), dev = new ArrayList<>();
        for (int[] s : shapes) {
            Tensor t = Tensor.randn(rng, s);
            cpu.add(t.contiguousCopy().requiresGrad(true));
            dev.add(t.to(Device.CUDA).requiresGrad(true));
        }
        Tensor yc = f.apply(cpu), yd = f.apply(dev);
        assertEquals(Device.CUDA, yd.device(), name + " left the device");
        assertEquals(yc.shape(), yd.shape(), name + " shape");
        close(name + " forward", yc.toArray(), yd.toArray());
        Tensor w = Tensor.randn(rng, yc.dims());
        yc.mul(w).sum().backward();
        yd.mul(w.to(Device.CUDA)).sum().backward();
        for (int i = 0; i < cpu.size(); i++) {
            if (cpu.get(i).grad() == null) continue;
            assertNotNull(dev.get(i).grad(), name + " input " + i + " got no gradient on the device");
            assertEquals(Device.CUDA, dev.get(i).grad().device());
            close(name + " grad " + i, cpu.get(i).grad().toArray(), dev.get(i).grad().toArray());
        }
    }

    private static void close(String what, float[] want, float[] got) {
        assertEquals(want.length, got.length, what);
        for (int i = 0; i < want.length; i++) {
            float tol = 2e-4f * Math.max(1f, Math.abs(want[i]));
            assertTrue(Math.abs(want[i] - got[i]) <= tol || (Float.isNaN(want[i]) && Float.isNaN(got[i])),
                    what + " at " + i + ": " + got[i] + " vs " + want[i]);
        }
    }

    @Test void elementwiseWithBroadcastAndViews() {
        check("add", in -> in.get(0).add(in.get(1)), new int[] {3, 4, 5}, new int[] {1, 5});
        check("sub", in -> in.get(0).transpose(0, 1).sub(in.get(1)), new int[] {4, 3}, new int[] {3, 4});
        check("mul", in -> in.get(0).mul(in.get(1).slice(1, 1, 4)), new int[] {2, 3}, new int[] {2, 5});
        check("div", in -> in.get(0).div(in.get(1).mul(in.get(1)).add(1f)), new int[] {6}, new int[] {6});
        check("scalars", in -> in.get(0).mul(3f).add(2f).neg(), new int[] {7, 3});
        check("exp-log-sqrt", in -> in.get(0).mul(in.get(0)).add(1f).log().sqrt().exp(), new int[] {5, 5});
        check("tanh-pow-relu", in -> in.get(0).tanh().add(in.get(0).relu().pow(2f)), new int[] {9, 4});
    }

    @Test void reductionsAndShapes() {
        check("sum", in -> in.get(0).permute(2, 0, 1).sum(new int[] {0, 2}, true), new int[] {3, 4, 5});
        check("mean", in -> in.get(0).mean(1, false), new int[] {4, 6});
        check("sum-all", in -> in.get(0).slice(0, 1, 3).sum().reshape(1), new int[] {4, 3});
        check("concat-slice", in -> Tensor.concat(List.of(in.get(0), in.get(1).slice(0, 0, 2)), 0), new int[] {3, 4}, new int[] {5, 4});
        check("index-select", in -> in.get(0).indexSelect(1, new int[] {2, 0, 2}), new int[] {3, 4});
        check("where", in -> Tensor.where(in.get(0).relu(), in.get(1), in.get(2)), new int[] {4, 5}, new int[] {4, 5}, new int[] {1, 5});
        check("masked-fill", in -> in.get(0).maskedFill(in.get(1).relu().detach(), -2f), new int[] {3, 6}, new int[] {3, 6});
    }

    @Test void rowsAndProducts() {
        check("softmax", in -> in.get(0).softmax(-1), new int[] {5, 7});
        check("log-softmax-dim0", in -> in.get(0).logSoftmax(0), new int[] {5, 7});
        check("layer-norm", in -> F.layerNorm(in.get(0), in.get(1), in.get(2), 1e-6f), new int[] {6, 8}, new int[] {8}, new int[] {8});
        check("gelu", in -> F.gelu(in.get(0)), new int[] {33});
        check("linear", in -> F.linear(in.get(0), in.get(1), in.get(2)), new int[] {2, 3, 5}, new int[] {4, 5}, new int[] {4});
        check("matmul-batched-transposed", in -> F.matmul(in.get(0), in.get(1), false, true), new int[] {2, 3, 4}, new int[] {2, 5, 4});
        check("attention", in -> F.scaledDotProductAttention(in.get(0), in.get(1), in.get(2), 0.5f).output(),
                new int[] {2, 2, 5, 4}, new int[] {2, 2, 5, 4}, new int[] {2, 2, 5, 3});
        check("normalize", in -> F.normalize(in.get(0), -1, 1e-12f), new int[] {4, 6});
        check("weight-norm", in -> F.weightNorm(in.get(0), in.get(1)), new int[] {5, 1}, new int[] {5, 6});
        check("soft-ce", in -> F.softTargetCrossEntropy(in.get(0), in.get(1).softmax(-1), -1), new int[] {3, 7}, new int[] {3, 7});
    }

    @Test void imageOps() {
        check("patch-conv", in -> F.conv2dPatch(in.get(0), in.get(1), in.get(2)), new int[] {2, 3, 9, 8}, new int[] {5, 3, 4, 4}, new int[] {5});
        check("bicubic", in -> F.interpolateBicubic(in.get(0), 6.1 / 4, 5.1 / 4), new int[] {1, 3, 4, 4});
        check("drop-path-same-masks", in -> F.dropPath(in.get(0), 0.5f, true, new Rng(3)), new int[] {6, 2, 3});
    }

    @Test void transfersAreCountedAndItemComesBack() {
        Tensor t = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2).to(Device.CUDA);
        var before = CudaTensors.transfers();
        float s = t.sum().item();
        var d = CudaTensors.transfers().since(before);
        assertEquals(10f, s);
        assertEquals(1, d.downloads());
        assertEquals(4, d.downloadBytes());
        assertEquals(0, d.uploads());
    }
}
