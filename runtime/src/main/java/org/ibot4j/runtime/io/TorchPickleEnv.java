package org.ibot4j.runtime.io;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.nio.charset.StandardCharsets;
import org.ibot4j.runtime.tensor.DType;
import org.ibot4j.runtime.tensor.HeapStorage;
import org.ibot4j.runtime.tensor.Shape;
import org.ibot4j.runtime.tensor.Tensor;

/**
 * Gives meaning to the globals of a {@code torch.save} pickle: an explicit allow-list of the callables and
 * classes PyTorch checkpoints use. Eagerly, tensors are rebuilt as views over float32 heap storages read from
 * the archive's {@code data/<key>} entries (each storage read once, so shared storages stay shared); lazily,
 * as {@link LazyTensor}s pointing into the mapped entries, nothing read. Allow-listed plain classes become
 * {@link PickledObject}s; every other global is refused by name.
 */
final class TorchPickleEnv implements Unpickler.Env {
    /** A global the pickle referred to (after the allow-list check). */
    record Global(String module, String name) {
        String qualified() { return module + "." + name; }
    }

    /** A storage of the archive: where its bytes lie and, when read eagerly, its float32 values (else null). */
    record LoadedStorage(StoredArray stored, HeapStorage storage) {
        String key() { return stored.key(); }
    }

    private static final Map<String, ElementType> STORAGES = Map.ofEntries(
            Map.entry("FloatStorage", ElementType.F32), Map.entry("HalfStorage", ElementType.F16),
            Map.entry("BFloat16Storage", ElementType.BF16), Map.entry("DoubleStorage", ElementType.F64),
            Map.entry("LongStorage", ElementType.I64), Map.entry("IntStorage", ElementType.I32),
            Map.entry("ShortStorage", ElementType.I16), Map.entry("CharStorage", ElementType.I8),
            Map.entry("ByteStorage", ElementType.U8), Map.entry("BoolStorage", ElementType.BOOL));

    private static final Set<String> DTYPES = Set.of("float32", "float", "float16", "half", "bfloat16", "float64",
            "double", "int64", "long", "int32", "int", "int16", "int8", "uint8", "bool");

    private static final Set<String> FUNCTIONS = Set.of(
            "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_tensor", "torch._utils._rebuild_parameter",
            "torch._utils._rebuild_parameter_with_state", "torch._tensor._rebuild_from_type_v2",
            "collections.OrderedDict", "torch.Size", "builtins.set", "builtins.frozenset", "__builtin__.set",
            "__builtin__.frozenset",
            "_codecs.encode", "torch.Tensor", "torch.nn.parameter.Parameter");

    /** Plain classes read as {@link PickledObject} (no behaviour needed, and none run). */
    private static final Set<String> GENERIC = Set.of("argparse.Namespace", "pathlib.PosixPath",
            "pathlib.WindowsPath", "pathlib.PurePosixPath", "numpy.dtype", "numpy.core.multiarray.scalar",
            "numpy.core.multiarray._reconstruct", "numpy.ndarray", "builtins.slice", "builtins.complex");

    private final ZipArchive zip;
    private final String prefix;
    private final ByteOrder order;
    private final boolean lazy;
    private final Map<String, LoadedStorage> storages = new HashMap<>();

    /** {@code lazy}: tensors become {@link LazyTensor}s over the mapping instead of being read into the heap. */
    TorchPickleEnv(ZipArchive zip, String prefix, ByteOrder order, boolean lazy) {
        this.zip = zip;
        this.prefix = prefix;
        this.order = order;
        this.lazy = lazy;
    }

    private String where() { return zip.path().toString(); }

    @Override public Object global(String module, String name) throws IOException {
        String q = module + "." + name;
        if (module.equals("torch") && STORAGES.containsKey(name)) return new Global(module, name);
        if (module.equals("torch") && DTYPES.contains(name)) return "torch." + name;
        if (FUNCTIONS.contains(q) || GENERIC.contains(q)) return new Global(module, name);
        throw new IOException(where() + ": refusing to load unknown global '" + q + "' (only PyTorch tensors, "
                + "storages and plain Python values are allowed; no code is run)");
    }

    @Override public Object reduce(Object callable, List<Object> args) throws IOException {
        if (!(callable instanceof Global g))
            throw new IOException(where() + ": pickle calls a " + Unpickler.typeName(callable) + ", which is not callable");
        try {
            return switch (g.qualified()) {
                case "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_tensor" ->
                        rebuildTensor(args.get(0), args.get(1), args.get(2), args.get(3));
                case "torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state" -> tensorArg(args.get(0));
                case "torch._tensor._rebuild_from_type_v2" -> {
                    Object inner = reduce(args.get(0), asList(args.get(2)));
                    yield inner;
                }
                case "collections.OrderedDict" -> {
                    Map<Object, Object> m = new LinkedHashMap<>();
                    if (!args.isEmpty() && args.get(0) != null)
                        for (Object pair : asList(args.get(0))) m.put(asList(pair).get(0), asList(pair).get(1));
                    yield m;
                }
                case "torch.Size" -> Unpickler.tuple(asList(args.get(0)).toArray());
                case "builtins.set", "__builtin__.set" -> new LinkedHashSet<>(args.isEmpty() ? List.of() : asList(args.get(0)));
                case "builtins.frozenset", "__builtin__.frozenset" -> Set.copyOf(args.isEmpty() ? List.of() : asList(args.get(0)));
                case "_codecs.encode" -> ((String) args.get(0)).getBytes(
                        args.size() > 1 && "latin1".equals(args.get(1)) ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
                default -> {
                    if (GENERIC.contains(g.qualified())) yield new PickledObject(g.module(), g.name(), nullSafe(args), null);
                    throw new IOException(where() + ": pickle calls '" + g.qualified() + "', which cannot be called");
                }
            };
        } catch (IndexOutOfBoundsException | ClassCastException e) {
            throw new IOException(where() + ": malformed arguments to '" + g.qualified() + "': " + e.getMessage(), e);
        }
    }

    @Override public Object newObject(Object cls, List<Object> args) throws IOException {
        if (cls instanceof Global g) {
            if (g.qualified().equals("collections.OrderedDict")) return new LinkedHashMap<Object, Object>();
            if (GENERIC.contains(g.qualified())) return new PickledObject(g.module(), g.name(), nullSafe(args), null);
        }
        throw new IOException(where() + ": pickle creates an instance of " + describe(cls) + ", which is not allowed");
    }

    @Override public Object build(Object obj, Object state) throws IOException {
        if (obj instanceof PickledObject p) return new PickledObject(p.module(), p.name(), p.args(), state);
        if (obj instanceof Map<?, ?> || obj instanceof Tensor || obj instanceof LazyTensor) return obj; // OrderedDict._metadata, tensor attributes
        throw new IOException(where() + ": pickle sets the state of a " + Unpickler.typeName(obj) + ", which is not allowed");
    }

    @Override public Object persistentLoad(Object pid) throws IOException {
        List<Object> t = asList(pid);
        if (t.size() < 5 || !"storage".equals(t.get(0)))
            throw new IOException(where() + ": unknown persistent id " + pid + " (expected ('storage', type, key, location, numel))");
        if (!(t.get(1) instanceof Global g) || !g.module().equals("torch") || !STORAGES.containsKey(g.name()))
            throw new IOException(where() + ": unsupported storage type " + describe(t.get(1)));
        String key = String.valueOf(t.get(2));
        long numel = ((Number) t.get(4)).longValue();
        LoadedStorage cached = storages.get(key);
        if (cached != null) return cached;
        StoredArray stored = storedArray(key, STORAGES.get(g.name()), numel);
        LoadedStorage s = new LoadedStorage(stored, lazy ? null : new HeapStorage(stored.readAll()));
        storages.put(key, s);
        return s;
    }

    private StoredArray storedArray(String key, ElementType type, long numel) throws IOException {
        String name = prefix + "data/" + key;
        ZipArchive.Entry e = zip.entries().get(name);
        if (e == null) throw new IOException(where() + ": storage '" + name + "' is missing from the archive");
        if (numel > Integer.MAX_VALUE - 16) throw new IOException(where() + ": storage '" + name + "' has " + numel + " elements, too many for one array");
        long need = numel * type.bytes();
        if (e.size() < need)
            throw new IOException(where() + ": storage '" + name + "' has " + e.size() + " bytes, expected " + need
                    + " (" + numel + " x " + type + ")");
        MemorySegment data = zip.data(e);
        return new StoredArray(where(), key, type, numel, data, order);
    }

    private Object rebuildTensor(Object storage, Object offset, Object size, Object stride) throws IOException {
        if (!(storage instanceof LoadedStorage s)) throw new IOException(where() + ": tensor built on a " + Unpickler.typeName(storage) + ", not a storage");
        int[] dims = ints(size), strides = ints(stride);
        if (dims.length != strides.length) throw new IOException(where() + ": tensor has " + dims.length + " sizes but " + strides.length + " strides");
        long off = ((Number) offset).longValue();
        long last = off, first = off;
        boolean empty = false;
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] == 0) empty = true;
            long span = (long) (dims[i] - 1) * strides[i];
            if (span > 0) last += span; else first += span;
        }
        long length = s.stored().numel();
        if (!empty && (first < 0 || last >= length))
            throw new IOException(where() + ": tensor view (offset " + off + ", sizes " + java.util.Arrays.toString(dims)
                    + ", strides " + java.util.Arrays.toString(strides) + ") reaches outside storage '" + s.key() + "' of " + length + " elements");
        if (lazy) return new LazyTensor(s.stored(), empty ? 0 : off, dims, strides);
        Tensor t = Tensor.view(s.storage(), empty ? 0 : (int) off, Shape.of(dims), strides);
        return s.stored().type() == ElementType.I64 ? t.withSavedDType(DType.I64) : t; // saved again as int64
    }

    private Object tensorArg(Object o) throws IOException {
        if (o instanceof Tensor || o instanceof LazyTensor) return o;
        throw new IOException(where() + ": parameter data is a " + Unpickler.typeName(o) + ", not a tensor");
    }

    private int[] ints(Object o) throws IOException {
        List<Object> l = asList(o);
        int[] r = new int[l.size()];
        for (int i = 0; i < r.length; i++) {
            long v = ((Number) l.get(i)).longValue();
            if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) throw new IOException(where() + ": tensor dimension " + v + " out of range");
            r[i] = (int) v;
        }
        return r;
    }

    @SuppressWarnings("unchecked")
    private List<Object> asList(Object o) throws IOException {
        if (o instanceof List<?> l) return (List<Object>) l;
        throw new IOException(where() + ": expected a tuple, got a " + Unpickler.typeName(o));
    }

    private static List<Object> nullSafe(List<Object> args) { return java.util.Collections.unmodifiableList(new ArrayList<>(args)); }

    private static String describe(Object o) { return o instanceof Global g ? "'" + g.qualified() + "'" : Unpickler.typeName(o); }
}
