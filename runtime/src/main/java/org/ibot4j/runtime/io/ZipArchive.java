package org.ibot4j.runtime.io;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

/**
 * A zip file memory-mapped read-only, with its central directory parsed here (zip64 included) so that STORED
 * entries can be read straight from their offsets in the mapping, without copying the archive onto the heap.
 * DEFLATED entries are inflated on request. Closing unmaps the file.
 */
final class ZipArchive implements AutoCloseable {
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final int EOCD = 0x06054b50, EOCD64 = 0x06064b50, EOCD64_LOCATOR = 0x07064b50;
    private static final int CENTRAL = 0x02014b50, LOCAL = 0x04034b50;
    static final int STORED = 0, DEFLATED = 8;

    /** One file in the archive: where its (possibly compressed) bytes lie in the mapping. */
    record Entry(String name, int method, long compressedSize, long size, long localHeaderOffset) {}

    private final Path path;
    private final Arena arena;
    private final MemorySegment file;
    private final Map<String, Entry> entries;

    private ZipArchive(Path path, Arena arena, MemorySegment file, Map<String, Entry> entries) {
        this.path = path;
        this.arena = arena;
        this.file = file;
        this.entries = entries;
    }

    /** Maps {@code path} and reads its central directory; fails with the file's name when it is not a zip. */
    static ZipArchive open(Path path) throws IOException {
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            MemorySegment seg = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
            ZipArchive z = new ZipArchive(path, arena, seg, readDirectory(path, seg));
            return z;
        } catch (IOException | RuntimeException e) {
            arena.close();
            if (e instanceof IOException io) throw io;
            throw new IOException(path + ": not a readable zip archive (" + e.getMessage() + ")", e);
        }
    }

    Path path() { return path; }

    /** Entries by name, in central-directory order. */
    Map<String, Entry> entries() { return entries; }

    MemorySegment segment() { return file; }

    /** Offset in the mapping where the entry's bytes start (after its local header). */
    long dataOffset(Entry e) throws IOException {
        long h = e.localHeaderOffset();
        if (h < 0 || h + 30 > file.byteSize() || file.get(U32, h) != LOCAL)
            throw new IOException(path + ": corrupt zip, no local header for '" + e.name() + "' at offset " + h);
        int nameLen = Short.toUnsignedInt(file.get(U16, h + 26));
        int extraLen = Short.toUnsignedInt(file.get(U16, h + 28));
        long start = h + 30 + nameLen + extraLen;
        if (start + e.compressedSize() > file.byteSize())
            throw new IOException(path + ": truncated, entry '" + e.name() + "' needs " + e.compressedSize()
                    + " bytes at offset " + start + " but the file has " + file.byteSize());
        return start;
    }

    /**
     * The uncompressed bytes of an entry as a segment: a slice of the mapping for STORED entries (no copy),
     * or a freshly inflated heap segment for DEFLATED ones.
     */
    MemorySegment data(Entry e) throws IOException {
        long start = dataOffset(e);
        MemorySegment raw = file.asSlice(start, e.compressedSize());
        if (e.method() == STORED) {
            if (e.size() != e.compressedSize()) throw new IOException(path + ": corrupt zip entry '" + e.name() + "'");
            return raw;
        }
        if (e.method() != DEFLATED)
            throw new IOException(path + ": entry '" + e.name() + "' uses unsupported zip compression method " + e.method());
        if (e.size() > Integer.MAX_VALUE - 16)
            throw new IOException(path + ": compressed entry '" + e.name() + "' is too large (" + e.size() + " bytes)");
        byte[] out = new byte[(int) e.size()];
        Inflater inf = new Inflater(true);
        try (InputStream in = new InflaterInputStream(new SegmentInputStream(raw), inf)) {
            int n = in.readNBytes(out, 0, out.length);
            if (n != out.length)
                throw new IOException(path + ": entry '" + e.name() + "' inflates to " + n + " bytes, expected " + e.size());
        } finally {
            inf.end();
        }
        return MemorySegment.ofArray(out);
    }

    /** The whole entry copied into a byte array (for small records such as the pickle). */
    byte[] bytes(Entry e) throws IOException {
        MemorySegment s = data(e);
        if (s.byteSize() > Integer.MAX_VALUE - 16) throw new IOException(path + ": entry '" + e.name() + "' is too large");
        return s.toArray(ValueLayout.JAVA_BYTE);
    }

    @Override public void close() { arena.close(); }

    private static Map<String, Entry> readDirectory(Path path, MemorySegment f) throws IOException {
        long size = f.byteSize();
        if (size < 22) throw new IOException(path + ": not a zip archive (only " + size + " bytes)");
        if (size >= 4 && f.get(U32, 0) != LOCAL)
            throw new IOException(path + ": not a zip archive (does not start with a zip local header; not a "
                    + "PyTorch zip checkpoint, or a legacy pre-1.6 torch.save file)");
        long eocd = -1;
        for (long p = size - 22, stop = Math.max(0, size - 22 - 65535); p >= stop; p--) {
            if (f.get(U32, p) == EOCD) { eocd = p; break; }
        }
        if (eocd < 0) throw new IOException(path + ": truncated or corrupt zip archive (no end-of-central-directory record)");
        long count = Short.toUnsignedLong(f.get(U16, eocd + 10));
        long dirSize = Integer.toUnsignedLong(f.get(U32, eocd + 12));
        long dirOffset = Integer.toUnsignedLong(f.get(U32, eocd + 16));
        if (eocd >= 20 && f.get(U32, eocd - 20) == EOCD64_LOCATOR) {
            long z64 = f.get(U64, eocd - 20 + 8);
            if (z64 < 0 || z64 + 56 > size || f.get(U32, z64) != EOCD64)
                throw new IOException(path + ": corrupt zip64 end-of-central-directory record");
            count = f.get(U64, z64 + 32);
            dirSize = f.get(U64, z64 + 40);
            dirOffset = f.get(U64, z64 + 48);
        }
        if (dirOffset < 0 || dirSize < 0 || dirOffset + dirSize > size)
            throw new IOException(path + ": truncated or corrupt zip archive (central directory at " + dirOffset
                    + " + " + dirSize + " lies beyond the file's " + size + " bytes)");
        Map<String, Entry> out = new LinkedHashMap<>();
        long p = dirOffset;
        for (long i = 0; i < count; i++) {
            if (p + 46 > size || f.get(U32, p) != CENTRAL)
                throw new IOException(path + ": corrupt zip central directory (entry " + i + " at offset " + p + ")");
            int method = Short.toUnsignedInt(f.get(U16, p + 10));
            long csize = Integer.toUnsignedLong(f.get(U32, p + 20));
            long usize = Integer.toUnsignedLong(f.get(U32, p + 24));
            int nameLen = Short.toUnsignedInt(f.get(U16, p + 28));
            int extraLen = Short.toUnsignedInt(f.get(U16, p + 30));
            int commentLen = Short.toUnsignedInt(f.get(U16, p + 32));
            long local = Integer.toUnsignedLong(f.get(U32, p + 42));
            if (p + 46 + nameLen + extraLen > size) throw new IOException(path + ": corrupt zip central directory");
            byte[] nameBytes = f.asSlice(p + 46, nameLen).toArray(ValueLayout.JAVA_BYTE);
            String name = new String(nameBytes, java.nio.charset.StandardCharsets.UTF_8);
            // zip64 extended information: present fields are those whose 32-bit value is 0xFFFFFFFF
            long x = p + 46 + nameLen, xEnd = x + extraLen;
            while (x + 4 <= xEnd) {
                int id = Short.toUnsignedInt(f.get(U16, x));
                int len = Short.toUnsignedInt(f.get(U16, x + 2));
                if (id == 0x0001) {
                    long q = x + 4;
                    if (usize == 0xFFFFFFFFL) { usize = f.get(U64, q); q += 8; }
                    if (csize == 0xFFFFFFFFL) { csize = f.get(U64, q); q += 8; }
                    if (local == 0xFFFFFFFFL) { local = f.get(U64, q); }
                }
                x += 4 + len;
            }
            out.put(name, new Entry(name, method, csize, usize, local));
            p += 46 + nameLen + extraLen + commentLen;
        }
        return out;
    }

    /** Reads a memory segment as a stream (for the inflater). */
    private static final class SegmentInputStream extends InputStream {
        private final MemorySegment seg;
        private long pos;

        SegmentInputStream(MemorySegment seg) { this.seg = seg; }

        @Override public int read() {
            return pos < seg.byteSize() ? Byte.toUnsignedInt(seg.get(ValueLayout.JAVA_BYTE, pos++)) : -1;
        }

        @Override public int read(byte[] b, int off, int len) {
            long left = seg.byteSize() - pos;
            if (left <= 0) return -1;
            int n = (int) Math.min(len, left);
            MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, pos, b, off, n);
            pos += n;
            return n;
        }
    }
}
