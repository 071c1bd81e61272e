package org.ibot4j.runtime.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.util.zip.CRC32;

/** A buffered little-endian writer over a file channel that knows its position. */
final class SinkChannel {
    private final FileChannel ch;
    private final ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
    private long flushed;

    SinkChannel(FileChannel ch) throws IOException {
        this.ch = ch;
        this.flushed = ch.position();
    }

    long position() { return flushed + buf.position(); }

    private void room(int n) throws IOException { if (buf.remaining() < n) flush(); }

    void u8(int v) throws IOException { room(1); buf.put((byte) v); }

    void u16(int v) throws IOException { room(2); buf.putShort((short) v); }

    void u32(long v) throws IOException { room(4); buf.putInt((int) v); }

    void u64(long v) throws IOException { room(8); buf.putLong(v); }

    void bytes(byte[] b) throws IOException { bytes(b, 0, b.length); }

    void bytes(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            room(1);
            int n = Math.min(len, buf.remaining());
            buf.put(b, off, n);
            off += n;
            len -= n;
        }
    }

    /** Writes float32 values little-endian. */
    void floats(float[] v, int off, int len) throws IOException {
        while (len > 0) {
            room(4);
            int n = Math.min(len, buf.remaining() / 4);
            buf.asFloatBuffer().put(v, off, n);
            buf.position(buf.position() + 4 * n);
            off += n;
            len -= n;
        }
    }

    /** Writes int64 values little-endian. */
    void longs(long[] v) throws IOException {
        for (int off = 0, len = v.length; len > 0; ) {
            room(8);
            int n = Math.min(len, buf.remaining() / 8);
            buf.asLongBuffer().put(v, off, n);
            buf.position(buf.position() + 8 * n);
            off += n;
            len -= n;
        }
    }

    /** CRC-32 of int64 values as {@link #longs} would write them. */
    static long crcOfLongs(long[] v) {
        CRC32 crc = new CRC32();
        ByteBuffer b = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        for (int off = 0, len = v.length; len > 0; ) {
            int n = Math.min(len, b.capacity() / 8);
            b.clear();
            b.asLongBuffer().put(v, off, n);
            b.limit(8 * n);
            crc.update(b);
            off += n;
            len -= n;
        }
        return crc.getValue();
    }

    /** CRC-32 of float32 values as {@link #floats} would write them. */
    static long crcOfFloats(float[] v, int off, int len) {
        CRC32 crc = new CRC32();
        ByteBuffer b = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        while (len > 0) {
            int n = Math.min(len, b.capacity() / 4);
            b.clear();
            b.asFloatBuffer().put(v, off, n);
            b.limit(4 * n);
            crc.update(b);
            off += n;
            len -= n;
        }
        return crc.getValue();
    }

    void flush() throws IOException {
        buf.flip();
        while (buf.hasRemaining()) flushed += ch.write(buf);
        buf.clear();
    }
}
