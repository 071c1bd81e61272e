package org.ibot4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.ibot4j.data.Dataset;
import org.ibot4j.data.FashionMnist;
import org.ibot4j.data.ImageFolderDataset;
import org.ibot4j.train.Trainer;
import picocli.CommandLine.Option;

/**
 * The labelled data of an evaluation ({@code eval_knn}, {@code eval_linear}, {@code finetune}): {@code --data_path}
 * is either an ImageNet-style root with {@code train/} and {@code val/} class folders (spec 9.2), or a folder
 * holding the Fashion-MNIST idx files (train and test splits; the default, as installed by
 * {@code apt-get install dataset-fashion-mnist}). {@code --train_subset/--val_subset N} take the first N images
 * of a split (0 = all) so that a CPU run stays short. Used as a picocli {@code @Mixin}.
 */
public final class EvalDataOptions {
    /** A training split and a validation split with the same classes. */
    public record Splits(Dataset train, Dataset val, String description) {}

    @Option(names = "--data_path", defaultValue = PretrainCommand.FASHION_MNIST_DIR,
            description = "Folder with train/ and val/ image class folders, or a folder of Fashion-MNIST idx files (default: ${DEFAULT-VALUE}).")
    Path dataPath;

    @Option(names = "--train_subset", defaultValue = "0", description = "Use the first N training images (0 = all; default: ${DEFAULT-VALUE}).")
    int trainSubset;

    @Option(names = "--val_subset", defaultValue = "0", description = "Use the first N validation images (0 = all; default: ${DEFAULT-VALUE}).")
    int valSubset;

    public Path dataPath() { return dataPath; }

    /** Opens both splits; a missing folder or split is an error naming it (with the install hint for Fashion-MNIST). */
    public Splits load(PrintWriter err) throws IOException {
        if (trainSubset < 0 || valSubset < 0) throw new IllegalArgumentException("--train_subset/--val_subset must be >= 0");
        Path dp = dataPath;
        Dataset train, val;
        String what;
        if (FashionMnist.holdsSplit(dp, true)) {
            train = FashionMnist.load(dp, true);
            val = FashionMnist.load(dp, false);
            what = "Fashion-MNIST in " + dp + " (train / test splits)";
        } else if (Files.isDirectory(dp.resolve("train")) && Files.isDirectory(dp.resolve("val"))) {
            train = new ImageFolderDataset(dp.resolve("train"));
            val = new ImageFolderDataset(dp.resolve("val"));
            what = "image folders " + dp.resolve("train") + " / " + dp.resolve("val");
        } else if (dp.toString().equals(PretrainCommand.FASHION_MNIST_DIR)) {
            throw new NoSuchFileException(dp.toString(), null,
                    "Fashion-MNIST not found; install it with: apt-get install dataset-fashion-mnist, or pass --data_path DIR");
        } else if (!Files.isDirectory(dp)) {
            throw new NoSuchFileException(dp.toString(), null, "--data_path is not a folder");
        } else {
            throw new IllegalArgumentException("--data_path " + dp + " holds neither train/ and val/ class folders nor Fashion-MNIST idx files");
        }
        if (train.numClasses() != val.numClasses())
            throw new IllegalArgumentException("train has " + train.numClasses() + " classes but val has " + val.numClasses() + " (" + what + ")");
        Dataset t = Trainer.subset(train, trainSubset), v = Trainer.subset(val, valSubset);
        if (t.size() == 0 || v.size() == 0) throw new IllegalArgumentException("empty split in " + what);
        return new Splits(t, v, what + ": " + t.size() + " train, " + v.size() + " val images, " + train.numClasses() + " classes");
    }
}
