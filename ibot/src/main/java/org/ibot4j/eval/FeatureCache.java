package org.ibot4j.eval;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import org.ibot4j.runtime.io.Npy;
import org.ibot4j.runtime.tensor.Tensor;

/**
 * Cached evaluation features in a folder, as the reference's {@code --dump_features}/{@code --load_features}
 * (there as {@code .pth}, here as NumPy): {@code trainfeat.npy [N, F]}, {@code trainlabels.npy [N]},
 * {@code valfeat.npy [M, F]}, {@code vallabels.npy [M]}, all float32 (labels are whole numbers), each written
 * atomically. Loading checks that the four files fit together and names what does not.
 */
public final class FeatureCache {
    /** The train and val features of one evaluation. */
    public record Pair(Features.Set train, Features.Set val) {}

    public static final String TRAIN_FEAT = "trainfeat.npy", TRAIN_LABELS = "trainlabels.npy",
            VAL_FEAT = "valfeat.npy", VAL_LABELS = "vallabels.npy";

    private FeatureCache() {}

    /** Writes both sets into {@code dir} (created if needed). */
    public static void save(Path dir, Pair p) throws IOException {
        Files.createDirectories(dir);
        save(dir.resolve(TRAIN_FEAT), dir.resolve(TRAIN_LABELS), p.train());
        save(dir.resolve(VAL_FEAT), dir.resolve(VAL_LABELS), p.val());
    }

    private static void save(Path feat, Path labels, Features.Set s) throws IOException {
        Npy.save(feat, Tensor.of(s.features(), s.size(), s.dim()));
        float[] l = new float[s.size()];
        for (int i = 0; i < l.length; i++) l[i] = s.labels()[i];
        Npy.save(labels, Tensor.of(l, l.length));
    }

    /** Whether {@code dir} holds all four files. */
    public static boolean present(Path dir) {
        for (String f : new String[] {TRAIN_FEAT, TRAIN_LABELS, VAL_FEAT, VAL_LABELS})
            if (!Files.isRegularFile(dir.resolve(f))) return false;
        return true;
    }

    /** Reads the four files of {@code dir}; a missing file, a wrong shape or mismatched counts are errors naming them. */
    public static Pair load(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) throw new NoSuchFileException(dir.toString(), null, "feature cache folder not found");
        Features.Set train = load(dir, TRAIN_FEAT, TRAIN_LABELS);
        Features.Set val = load(dir, VAL_FEAT, VAL_LABELS);
        if (train.dim() != val.dim())
            throw new IllegalArgumentException("cached features in " + dir + " do not fit: " + TRAIN_FEAT + " has dim " + train.dim()
                    + " but " + VAL_FEAT + " has dim " + val.dim());
        return new Pair(train, val);
    }

    private static Features.Set load(Path dir, String featName, String labelName) throws IOException {
        Path fp = dir.resolve(featName), lp = dir.resolve(labelName);
        for (Path p : new Path[] {fp, lp})
            if (!Files.isRegularFile(p)) throw new NoSuchFileException(p.toString(), null, "cached feature file missing (write it with --dump_features)");
        Tensor f = Npy.load(fp), l = Npy.load(lp);
        if (f.rank() != 2 || f.dim(1) == 0)
            throw new IllegalArgumentException(fp + " must hold [N, F] features, got shape " + Arrays.toString(f.dims()));
        if (l.rank() != 1)
            throw new IllegalArgumentException(lp + " must hold [N] labels, got shape " + Arrays.toString(l.dims()));
        if (f.dim(0) != l.dim(0))
            throw new IllegalArgumentException("cached features do not fit: " + fp.getFileName() + " has " + f.dim(0) + " rows but "
                    + lp.getFileName() + " has " + l.dim(0) + " labels");
        if (f.dim(0) == 0) throw new IllegalArgumentException(fp + " holds no features");
        float[] lv = l.toArray();
        int[] labels = new int[lv.length];
        for (int i = 0; i < lv.length; i++) {
            if (lv[i] < 0 || lv[i] != Math.rint(lv[i]))
                throw new IllegalArgumentException(lp + ": label " + i + " is " + lv[i] + ", not a class index");
            labels[i] = (int) lv[i];
        }
        return new Features.Set(f.toArray(), labels, f.dim(1));
    }
}
