package org.ibot4j.runtime.io;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * Writes an uncompressed (STORED) zip the way PyTorch's archive writer does: each entry's data starts on a
 * 64-byte boundary, padded with an extra field in the local header, so readers can map storages in place.
 */
final class ZipWriter {
    private static final int ALIGN = 64;
    private static final long LIMIT = 0xFFFFFFFFL;

    private record Written(byte[] name, long crc, long size, long offset) {}

    private final SinkChannel out;
    private final List<Written> entries = new ArrayList<>();

    ZipWriter(SinkChannel out) { this.out = out; }

    void add(String name, byte[] data) throws IOException {
        CRC32 crc = new CRC32();
        crc.update(data);
        header(name, crc.getValue(), data.length);
        out.bytes(data);
    }

    /** An entry holding {@code len} float32 values, little-endian. */
    void addFloats(String name, float[] v, int off, int len) throws IOException {
        header(name, SinkChannel.crcOfFloats(v, off, len), 4L * len);
        out.floats(v, off, len);
    }

    /** An entry holding int64 values, little-endian. */
    void addLongs(String name, long[] v) throws IOException {
        header(name, SinkChannel.crcOfLongs(v), 8L * v.length);
        out.longs(v);
    }

    private void header(String name, long crc, long size) throws IOException {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        long offset = out.position();
        if (offset + size > LIMIT) throw new IOException("archive over 4 GiB is not supported by this writer");
        long dataStart = offset + 30 + n.length + 4;
        int pad = (int) ((ALIGN - dataStart % ALIGN) % ALIGN);
        out.u32(0x04034b50);
        out.u16(20); // version needed
        out.u16(0); // flags
        out.u16(0); // STORED
        out.u16(0); // time
        out.u16(0x21); // date: 1980-01-01
        out.u32(crc);
        out.u32(size);
        out.u32(size);
        out.u16(n.length);
        out.u16(4 + pad);
        out.bytes(n);
        out.u16(0x4246); // "FB": padding extra field, as PyTorch writes
        out.u16(pad);
        for (int i = 0; i < pad; i++) out.u8('Z');
        entries.add(new Written(n, crc, size, offset));
    }

    /** Writes the central directory and the end record. */
    void finish() throws IOException {
        long dirStart = out.position();
        for (Written e : entries) {
            out.u32(0x02014b50);
            out.u16(20); // made by
            out.u16(20); // needed
            out.u16(0);
            out.u16(0);
            out.u16(0);
            out.u16(0x21);
            out.u32(e.crc());
            out.u32(e.size());
            out.u32(e.size());
            out.u16(e.name().length);
            out.u16(0); // extra
            out.u16(0); // comment
            out.u16(0); // disk
            out.u16(0); // internal attributes
            out.u32(0); // external attributes
            out.u32(e.offset());
            out.bytes(e.name());
        }
        long dirSize = out.position() - dirStart;
        if (dirStart + dirSize > LIMIT || entries.size() > 0xFFFF) throw new IOException("archive too large for this writer");
        out.u32(0x06054b50);
        out.u16(0);
        out.u16(0);
        out.u16(entries.size());
        out.u16(entries.size());
        out.u32(dirSize);
        out.u32(dirStart);
        out.u16(0);
    }
}
