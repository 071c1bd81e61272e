package org.ibot4j.runtime.io;

import java.nio.file.Path;

/**
 * A PyTorch checkpoint opened lazily by {@link PthReader#open}: the file stays memory-mapped and the unpickled
 * {@link #root()} holds {@link LazyTensor}s where {@link PthReader#load} would hold tensors, so the weights
 * can be converted straight into a model's own parameters. Closing unmaps the file; lazy tensors cannot be
 * read afterwards.
 */
public final class PthArchive implements AutoCloseable {
    private final ZipArchive zip;
    private final Object root;

    PthArchive(ZipArchive zip, Object root) {
        this.zip = zip;
        this.root = root;
    }

    /** The checkpoint file. */
    public Path path() { return zip.path(); }

    /** The unpickled root object, with {@link LazyTensor} values in place of tensors (otherwise as {@link PthReader#load}). */
    public Object root() { return root; }

    @Override public void close() { zip.close(); }
}
