package org.ibot4j.runtime.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.ibot4j.runtime.tensor.DType;
import org.ibot4j.runtime.tensor.Tensor;

/**
 * Pickles plain values and tensors as {@code torch.save} does (protocol 2): each tensor becomes
 * {@code torch._utils._rebuild_tensor_v2} over a {@code torch.FloatStorage} persistent id (a
 * {@code torch.LongStorage} for a tensor whose {@link Tensor#savedDType()} is I64) whose contiguous data the
 * caller writes to {@code data/<key>}.
 */
final class TorchPickler {
    /** One storage to write: the contiguous values of a tensor. */
    sealed interface StorageOut {
        String key();

        /** Number of elements. */
        int length();

        /** PyTorch's storage class name in the {@code torch} module. */
        String torchClass();
    }

    /** float32 values {@code data[offset .. offset+length)}. */
    record FloatsOut(String key, float[] data, int offset, int length) implements StorageOut {
        @Override public String torchClass() { return "FloatStorage"; }
    }

    /** int64 values. */
    record LongsOut(String key, long[] data) implements StorageOut {
        @Override public int length() { return data.length; }

        @Override public String torchClass() { return "LongStorage"; }
    }

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final List<StorageOut> storages = new ArrayList<>();
    private final IdentityHashMap<Tensor, StorageOut> seen = new IdentityHashMap<>();

    /** The pickle bytes of {@code root}, from PROTO to STOP. */
    byte[] pickle(Object root) throws IOException {
        out.reset();
        op(0x80);
        op(2);
        value(root, "root");
        op('.');
        return out.toByteArray();
    }

    /** The storages referenced by the last pickle, in key order. */
    List<StorageOut> storages() { return storages; }

    private void value(Object v, String where) throws IOException {
        switch (v) {
            case null -> op('N');
            case Boolean b -> op(b ? 0x88 : 0x89);
            case Integer i -> integer(i);
            case Long l -> integer(l);
            case Short s -> integer(s);
            case Byte b -> integer(b);
            case BigInteger b -> bigInteger(b);
            case Double d -> real(d);
            case Float f -> real(f);
            case String s -> string(s);
            case byte[] b -> { op('B'); u32(b.length); out.write(b); }
            case Tensor t -> tensor(t, where);
            case Map<?, ?> m -> {
                op('}');
                if (m.isEmpty()) return;
                op('(');
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    value(e.getKey(), where + " key");
                    value(e.getValue(), where + "/" + e.getKey());
                }
                op('u');
            }
            case List<?> l -> {
                op(']');
                if (l.isEmpty()) return;
                op('(');
                for (int i = 0; i < l.size(); i++) value(l.get(i), where + "/" + i);
                op('e');
            }
            case PickledObject p -> {
                global(p.module(), p.name());
                tuple(p.args(), where);
                op(0x81); // NEWOBJ
                if (p.state() != null) { value(p.state(), where); op('b'); }
            }
            default -> throw new IOException("cannot save a " + v.getClass().getName() + " at " + where
                    + " (only maps, lists, numbers, strings, booleans, null, byte[] and tensors)");
        }
    }

    private void tensor(Tensor t, String where) throws IOException {
        StorageOut s = seen.get(t);
        if (s == null) {
            String key = Integer.toString(storages.size());
            if (t.savedDType() == DType.I64) s = new LongsOut(key, Int64Values.of(t, "at " + where));
            else s = t.isContiguous() && t.device() == org.ibot4j.runtime.tensor.Device.CPU ? new FloatsOut(key, t.array(), t.offset(), t.size())
                    : new FloatsOut(key, t.toArray(), 0, t.size());
            storages.add(s);
            seen.put(t, s);
        }
        global("torch._utils", "_rebuild_tensor_v2");
        op('(');
        op('(');
        string("storage");
        global("torch", s.torchClass());
        string(s.key());
        string("cpu");
        integer(s.length());
        op('t');
        op('Q'); // BINPERSID
        integer(0);
        List<Object> dims = new ArrayList<>(), strides = new ArrayList<>();
        for (int d : t.dims()) dims.add((long) d);
        for (int st : t.shape().contiguousStrides()) strides.add((long) st);
        tuple(dims, "size");
        tuple(strides, "stride");
        op(0x89); // requires_grad False
        global("collections", "OrderedDict");
        op(')');
        op('R');
        op('t');
        op('R');
    }

    private void tuple(List<?> items, String where) throws IOException {
        if (items.isEmpty()) { op(')'); return; }
        op('(');
        for (Object o : items) value(o, where);
        op('t');
    }

    private void global(String module, String name) throws IOException {
        op('c');
        out.write((module + "\n" + name + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private void integer(long v) throws IOException {
        if (v >= 0 && v < 256) { op('K'); op((int) v); }
        else if (v >= 0 && v < 65536) { op('M'); op((int) (v & 0xff)); op((int) (v >>> 8)); }
        else if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) { op('J'); u32(v); }
        else bigInteger(BigInteger.valueOf(v));
    }

    private void bigInteger(BigInteger b) throws IOException {
        byte[] be = b.toByteArray();
        if (be.length > 255) throw new IOException("integer too large to save: " + b);
        op(0x8a); // LONG1
        op(be.length);
        for (int i = be.length - 1; i >= 0; i--) out.write(be[i]);
    }

    private void real(double d) throws IOException {
        op('G');
        long bits = Double.doubleToRawLongBits(d);
        for (int i = 7; i >= 0; i--) out.write((int) (bits >>> (8 * i)));
    }

    private void string(String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        op('X');
        u32(b.length);
        out.write(b);
    }

    private void u32(long v) { for (int i = 0; i < 4; i++) out.write((int) (v >>> (8 * i))); }

    private void op(int b) { out.write(b); }
}
