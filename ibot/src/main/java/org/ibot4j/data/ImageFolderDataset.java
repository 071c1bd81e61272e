package org.ibot4j.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * torchvision's {@code ImageFolder}: {@code root/<class>/<...>/<image>}, classes are the sub-folder names sorted,
 * the label is the class's rank, samples in ImageFolder order (see {@link ImageFiles#list}). Images are decoded
 * lazily on each {@link #image} call; an unreadable or corrupt file gives {@code null} and one warning line on
 * stderr (the first time only).
 */
public final class ImageFolderDataset implements Dataset {
    private final List<String> classes;
    private final List<Path> files = new ArrayList<>();
    private final int[] labels;
    private final Set<Integer> warned = ConcurrentHashMap.newKeySet();

    /** Lists the images under {@code root}; an error if it has no class folder or no image at all. */
    public ImageFolderDataset(Path root) throws IOException {
        if (!Files.isDirectory(root)) throw new IOException("dataset folder " + root + " does not exist or is not a folder");
        List<Path> dirs;
        try (Stream<Path> s = Files.list(root)) {
            dirs = s.filter(Files::isDirectory).sorted((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString())).toList();
        }
        if (dirs.isEmpty()) throw new IOException("dataset folder " + root + " has no class sub-folders (expected root/<class>/<image>)");
        classes = dirs.stream().map(d -> d.getFileName().toString()).toList();
        List<Integer> lab = new ArrayList<>();
        for (int c = 0; c < dirs.size(); c++)
            for (Path p : ImageFiles.list(dirs.get(c))) {
                files.add(p);
                lab.add(c);
            }
        if (files.isEmpty()) throw new IOException("dataset folder " + root + " has no image files (extensions " + ImageFiles.EXTENSIONS + ")");
        labels = lab.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The class names, in label order. */
    public List<String> classes() { return classes; }

    /** The file of sample {@code i}. */
    public Path file(int i) { return files.get(i); }

    @Override public int size() { return files.size(); }

    @Override public int label(int i) { return labels[i]; }

    @Override public int numClasses() { return classes.size(); }

    @Override
    public RgbImage image(int i) {
        try {
            return ImageFiles.read(files.get(i));
        } catch (IOException | RuntimeException e) {
            if (warned.add(i)) System.err.println("warning: skipping unreadable image " + files.get(i) + ": " + e.getMessage());
            return null;
        }
    }
}
