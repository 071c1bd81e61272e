package org.ibot4j.model;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.ibot4j.runtime.nn.DropPath;
import org.ibot4j.runtime.nn.LayerNorm;
import org.ibot4j.runtime.nn.Mlp;
import org.ibot4j.runtime.nn.Module;
import org.ibot4j.runtime.random.Rng;
import org.ibot4j.runtime.tensor.Device;
import org.ibot4j.runtime.tensor.Tensor;

/**
 * One Swin block (spec 4.2): {@code x = x + dp(unwindow(attn(window(roll(pad(norm1(x)))))))},
 * {@code x = x + dp(mlp(norm2(x)))}. Window and shift are fixed at construction; inputs whose grid is not a
 * window multiple (local crops) are zero-padded bottom/right and cropped back, and the shift mask is built for
 * the padded grid. Children: {@code norm1, attn, drop_path, norm2, mlp}.
 */
public final class SwinBlock extends Module {
    /** Block output {@code [N, H·W, c]} and the window attention probabilities when asked. */
    public record Output(Tensor x, Tensor attn) {}

    private final int dim, window, shift;
    private final LayerNorm norm1, norm2;
    private final WindowAttention attn;
    private final DropPath dropPath;
    private final Mlp mlp;
    /** Shift masks by padded grid ({@code hp << 16 | wp}): constant, so built once per grid size. */
    private final Map<Integer, Tensor> masks = new ConcurrentHashMap<>();

    public SwinBlock(int dim, int heads, int window, int shift, double mlpRatio, boolean qkvBias, float dropPath, float eps, Rng rng) {
        if (shift < 0 || shift >= window) throw new IllegalArgumentException("shift " + shift + " must be in [0, window " + window + ")");
        this.dim = dim;
        this.window = window;
        this.shift = shift;
        this.norm1 = registerModule("norm1", new LayerNorm(dim, eps));
        this.attn = registerModule("attn", new WindowAttention(dim, window, heads, qkvBias, rng));
        this.dropPath = registerModule("drop_path", new DropPath(dropPath, rng.split()));
        this.norm2 = registerModule("norm2", new LayerNorm(dim, eps));
        this.mlp = registerModule("mlp", new Mlp(dim, (int) (dim * mlpRatio), dim, 0f, rng));
    }

    /** {@code x [N, h·w, c]} over an {@code h×w} grid. */
    public Output forward(Tensor x, int h, int w, boolean returnAttention) {
        if (x.rank() != 3 || x.dim(1) != h * w || x.dim(2) != dim)
            throw new IllegalArgumentException("Swin block (dim " + dim + ") expects [N, " + h + "·" + w + ", " + dim + "], got " + x.shape());
        int n = x.dim(0);
        int hp = ceilTo(h, window), wp = ceilTo(w, window);
        Tensor t = SwinWindows.padBottomRight(norm1.forward(x).reshape(n, h, w, dim), hp, wp);
        Device device = x.device();
        Tensor mask = shift > 0 ? masks.computeIfAbsent((hp << 16 | wp) * 2 + (device == Device.CPU ? 0 : 1),
                k -> SwinWindows.shiftMask(hp, wp, window, shift).to(device)) : null;
        WindowAttention.Output a = attn.forward(SwinLayout.toWindows(t, window, shift), mask, returnAttention);
        t = SwinLayout.fromWindows(a.x(), window, shift, hp, wp);
        if (hp > h || wp > w) t = t.slice(1, 0, h).slice(2, 0, w);
        x = x.add(dropPath.forward(t.reshape(n, h * w, dim)));
        x = x.add(dropPath.forward(mlp.forward(norm2.forward(x))));
        return new Output(x, a.attn());
    }

    private static int ceilTo(int v, int m) { return (v + m - 1) / m * m; }

    public WindowAttention attn() { return attn; }

    public Mlp mlp() { return mlp; }

    public LayerNorm norm1() { return norm1; }

    public LayerNorm norm2() { return norm2; }

    public int window() { return window; }

    public int shift() { return shift; }
}
