package org.ibot4j.runtime.io;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A pickle virtual machine for the opcodes of protocols 0-5 that PyTorch checkpoints use. It builds plain
 * Java values (maps, lists, numbers, strings) and delegates everything that would run Python code (globals,
 * REDUCE, NEWOBJ, BUILD, persistent ids) to a {@link Env}, which allow-lists what it understands. Nothing is
 * executed; the stream is only interpreted.
 */
final class Unpickler {
    /** The hooks that give meaning to globals and persistent ids. */
    interface Env {
        /** The object a GLOBAL / STACK_GLOBAL pushes; must refuse what it does not know. */
        Object global(String module, String name) throws IOException;

        /** {@code callable(*args)} for REDUCE. */
        Object reduce(Object callable, List<Object> args) throws IOException;

        /** {@code cls.__new__(cls, *args)} for NEWOBJ / NEWOBJ_EX. */
        Object newObject(Object cls, List<Object> args) throws IOException;

        /** Applies BUILD's {@code state} to {@code obj}; returns the object that replaces it. */
        Object build(Object obj, Object state) throws IOException;

        /** The object a persistent id stands for (BINPERSID). */
        Object persistentLoad(Object pid) throws IOException;
    }

    private final String source;
    private final byte[] in;
    private final Env env;
    private int pos;
    private final ArrayList<Object> stack = new ArrayList<>();
    private final ArrayList<Integer> marks = new ArrayList<>();
    private final Map<Long, Object> memo = new HashMap<>();

    private Unpickler(String source, byte[] in, Env env) {
        this.source = source;
        this.in = in;
        this.env = env;
    }

    /** Interprets the pickle in {@code data} (named {@code source} in errors) and returns its root object. */
    static Object load(String source, byte[] data, Env env) throws IOException {
        return new Unpickler(source, data, env).run();
    }

    /** A tuple: an unmodifiable list that may hold nulls. */
    static List<Object> tuple(Object... items) { return Collections.unmodifiableList(Arrays.asList(items)); }

    private Object run() throws IOException {
        while (true) {
            int opPos = pos;
            int op = u8();
            switch (op) {
                case 0x80 -> { // PROTO
                    int v = u8();
                    if (v > 5) throw error(opPos, "unsupported pickle protocol " + v);
                }
                case 0x95 -> pos = checked(pos + 8, opPos); // FRAME: length is advisory
                case '.' -> { // STOP
                    Object root = pop(opPos);
                    return root;
                }
                case '(' -> marks.add(stack.size()); // MARK
                case '0' -> pop(opPos); // POP
                case '1' -> popMark(opPos); // POP_MARK
                case '2' -> push(peek(opPos)); // DUP
                case 'N' -> push(null);
                case 0x88 -> push(Boolean.TRUE);
                case 0x89 -> push(Boolean.FALSE);
                case 'J' -> push((long) i32()); // BININT
                case 'K' -> push((long) u8()); // BININT1
                case 'M' -> push((long) u16()); // BININT2
                case 0x8a -> push(longBytes(u8(), opPos)); // LONG1
                case 0x8b -> push(longBytes(len32(opPos), opPos)); // LONG4
                case 'I' -> push(textInt(line(), opPos)); // INT
                case 'L' -> push(textBig(line(), opPos)); // LONG
                case 'G' -> push(Double.longBitsToDouble(be64())); // BINFLOAT
                case 'F' -> push(Double.parseDouble(line())); // FLOAT
                case 'V' -> push(rawUnicodeEscape(line(StandardCharsets.ISO_8859_1))); // UNICODE (protocol 0)
                case 'X' -> push(utf8(len32(opPos), opPos)); // BINUNICODE
                case 0x8c -> push(utf8(u8(), opPos)); // SHORT_BINUNICODE
                case 0x8d -> push(utf8(len64(opPos), opPos)); // BINUNICODE8
                case 'T' -> push(latin1(len32(opPos), opPos)); // BINSTRING
                case 'U' -> push(latin1(u8(), opPos)); // SHORT_BINSTRING
                case 'B' -> push(bytes(len32(opPos), opPos)); // BINBYTES
                case 'C' -> push(bytes(u8(), opPos)); // SHORT_BINBYTES
                case 0x8e, 0x96 -> push(bytes(len64(opPos), opPos)); // BINBYTES8, BYTEARRAY8
                case ']' -> push(new ArrayList<>()); // EMPTY_LIST
                case 'l' -> push(new ArrayList<>(popMark(opPos))); // LIST
                case 'a' -> { Object v = pop(opPos); list(peek(opPos), opPos).add(v); } // APPEND
                case 'e' -> { List<Object> items = popMark(opPos); list(peek(opPos), opPos).addAll(items); } // APPENDS
                case ')' -> push(tuple()); // EMPTY_TUPLE
                case 't' -> push(Collections.unmodifiableList(new ArrayList<>(popMark(opPos)))); // TUPLE
                case 0x85 -> push(tuple(pop(opPos))); // TUPLE1
                case 0x86 -> { Object b = pop(opPos), a = pop(opPos); push(tuple(a, b)); } // TUPLE2
                case 0x87 -> { Object c = pop(opPos), b = pop(opPos), a = pop(opPos); push(tuple(a, b, c)); } // TUPLE3
                case '}' -> push(new LinkedHashMap<Object, Object>()); // EMPTY_DICT
                case 'd' -> { // DICT
                    List<Object> kv = popMark(opPos);
                    Map<Object, Object> m = new LinkedHashMap<>();
                    putPairs(m, kv, opPos);
                    push(m);
                }
                case 's' -> { Object v = pop(opPos), k = pop(opPos); map(peek(opPos), opPos).put(k, v); } // SETITEM
                case 'u' -> { List<Object> kv = popMark(opPos); putPairs(map(peek(opPos), opPos), kv, opPos); } // SETITEMS
                case 0x8f -> push(new LinkedHashSet<>()); // EMPTY_SET
                case 0x90 -> { List<Object> items = popMark(opPos); set(peek(opPos), opPos).addAll(items); } // ADDITEMS
                case 0x91 -> push(Collections.unmodifiableSet(new LinkedHashSet<>(popMark(opPos)))); // FROZENSET
                case 'c' -> { String module = line(), name = line(); push(env.global(module, name)); } // GLOBAL
                case 0x93 -> { // STACK_GLOBAL
                    Object name = pop(opPos), module = pop(opPos);
                    if (!(module instanceof String m) || !(name instanceof String n))
                        throw error(opPos, "STACK_GLOBAL needs two strings");
                    push(env.global(m, n));
                }
                case 'R' -> { // REDUCE
                    Object args = pop(opPos), callable = pop(opPos);
                    push(env.reduce(callable, tupleArgs(args, opPos)));
                }
                case 0x81 -> { // NEWOBJ
                    Object args = pop(opPos), cls = pop(opPos);
                    push(env.newObject(cls, tupleArgs(args, opPos)));
                }
                case 0x92 -> { // NEWOBJ_EX
                    Object kwargs = pop(opPos), args = pop(opPos), cls = pop(opPos);
                    if (kwargs instanceof Map<?, ?> kw && !kw.isEmpty())
                        throw error(opPos, "NEWOBJ_EX with keyword arguments is not supported");
                    push(env.newObject(cls, tupleArgs(args, opPos)));
                }
                case 'b' -> { // BUILD
                    Object state = pop(opPos), obj = pop(opPos);
                    Object built = env.build(obj, state);
                    if (built != obj) memo.replaceAll((k, v) -> v == obj ? built : v);
                    push(built);
                }
                case 'Q' -> push(env.persistentLoad(pop(opPos))); // BINPERSID
                case 'P' -> push(env.persistentLoad(line())); // PERSID
                case 'h' -> push(memoGet(u8(), opPos)); // BINGET
                case 'j' -> push(memoGet(Integer.toUnsignedLong(i32()), opPos)); // LONG_BINGET
                case 'g' -> push(memoGet(textLong(line(), opPos).longValue(), opPos)); // GET
                case 'q' -> memo.put((long) u8(), peek(opPos)); // BINPUT
                case 'r' -> memo.put(Integer.toUnsignedLong(i32()), peek(opPos)); // LONG_BINPUT
                case 'p' -> memo.put(textLong(line(), opPos).longValue(), peek(opPos)); // PUT
                case 0x94 -> memo.put((long) memo.size(), peek(opPos)); // MEMOIZE
                default -> throw error(opPos, String.format("unsupported pickle opcode 0x%02x", op));
            }
        }
    }

    // ---------------------------------------------------------------- stack

    private void push(Object o) { stack.add(o); }

    private Object pop(int opPos) throws IOException {
        if (stack.isEmpty()) throw error(opPos, "stack underflow");
        return stack.removeLast();
    }

    private Object peek(int opPos) throws IOException {
        if (stack.isEmpty()) throw error(opPos, "stack underflow");
        return stack.getLast();
    }

    private List<Object> popMark(int opPos) throws IOException {
        if (marks.isEmpty()) throw error(opPos, "no MARK on the stack");
        int m = marks.removeLast();
        if (m > stack.size()) throw error(opPos, "corrupt MARK");
        List<Object> top = new ArrayList<>(stack.subList(m, stack.size()));
        stack.subList(m, stack.size()).clear();
        return top;
    }

    private Object memoGet(long key, int opPos) throws IOException {
        if (!memo.containsKey(key)) throw error(opPos, "memo key " + key + " was never stored");
        return memo.get(key);
    }

    @SuppressWarnings("unchecked")
    private List<Object> list(Object o, int opPos) throws IOException {
        if (o instanceof ArrayList<?> l) return (List<Object>) l;
        throw error(opPos, "APPEND onto a " + typeName(o) + ", not a list");
    }

    @SuppressWarnings("unchecked")
    private Map<Object, Object> map(Object o, int opPos) throws IOException {
        if (o instanceof LinkedHashMap<?, ?> m) return (Map<Object, Object>) m;
        throw error(opPos, "SETITEM onto a " + typeName(o) + ", not a dict");
    }

    @SuppressWarnings("unchecked")
    private Set<Object> set(Object o, int opPos) throws IOException {
        if (o instanceof LinkedHashSet<?> s) return (Set<Object>) s;
        throw error(opPos, "ADDITEMS onto a " + typeName(o) + ", not a set");
    }

    private void putPairs(Map<Object, Object> m, List<Object> kv, int opPos) throws IOException {
        if (kv.size() % 2 != 0) throw error(opPos, "odd number of items for a dict");
        for (int i = 0; i < kv.size(); i += 2) m.put(kv.get(i), kv.get(i + 1));
    }

    @SuppressWarnings("unchecked")
    private List<Object> tupleArgs(Object args, int opPos) throws IOException {
        if (args instanceof List<?> l) return (List<Object>) l;
        throw error(opPos, "call arguments are a " + typeName(args) + ", not a tuple");
    }

    static String typeName(Object o) { return o == null ? "None" : o.getClass().getSimpleName(); }

    // ---------------------------------------------------------------- bytes

    private int checked(int end, int opPos) throws IOException {
        if (end < 0 || end > in.length) throw error(opPos, "pickle ends early (truncated data.pkl)");
        return end;
    }

    private int u8() throws IOException {
        if (pos >= in.length) throw new IOException(source + ": pickle ends early at byte " + pos + " (truncated data.pkl, no STOP)");
        return in[pos++] & 0xff;
    }

    private int u16() throws IOException { int a = u8(); return a | (u8() << 8); }

    private int i32() throws IOException { int a = u16(); return a | (u16() << 16); }

    private long be64() throws IOException {
        long v = 0;
        for (int i = 0; i < 8; i++) v = (v << 8) | u8();
        return v;
    }

    private int len32(int opPos) throws IOException {
        long n = Integer.toUnsignedLong(i32());
        if (n > in.length - pos) throw error(opPos, "length " + n + " runs past the end of the pickle");
        return (int) n;
    }

    private int len64(int opPos) throws IOException {
        long n = 0;
        for (int i = 0; i < 8; i++) n |= (long) u8() << (8 * i);
        if (n < 0 || n > in.length - pos) throw error(opPos, "length " + n + " runs past the end of the pickle");
        return (int) n;
    }

    private byte[] bytes(int n, int opPos) throws IOException {
        int end = checked(pos + n, opPos);
        byte[] b = Arrays.copyOfRange(in, pos, end);
        pos = end;
        return b;
    }

    private String utf8(int n, int opPos) throws IOException { return new String(bytes(n, opPos), StandardCharsets.UTF_8); }

    private String latin1(int n, int opPos) throws IOException { return new String(bytes(n, opPos), StandardCharsets.ISO_8859_1); }

    private String line() throws IOException { return line(StandardCharsets.UTF_8); }

    private String line(java.nio.charset.Charset cs) throws IOException {
        int start = pos;
        while (pos < in.length && in[pos] != '\n') pos++;
        if (pos >= in.length) throw new IOException(source + ": pickle ends early inside a text argument at byte " + start);
        String s = new String(in, start, pos - start, cs);
        pos++;
        return s;
    }

    /** Little-endian two's complement integer of {@code n} bytes: a Long, or a BigInteger if it does not fit. */
    private Object longBytes(int n, int opPos) throws IOException {
        byte[] le = bytes(n, opPos);
        if (n == 0) return 0L;
        byte[] be = new byte[n];
        for (int i = 0; i < n; i++) be[i] = le[n - 1 - i];
        BigInteger v = new BigInteger(be);
        return v.bitLength() < 64 ? (Object) v.longValue() : v;
    }

    private Object textInt(String s, int opPos) throws IOException {
        if (s.equals("00")) return Boolean.FALSE;
        if (s.equals("01")) return Boolean.TRUE;
        return textLong(s, opPos);
    }

    private Object textBig(String s, int opPos) throws IOException {
        try {
            BigInteger v = new BigInteger(s.endsWith("L") ? s.substring(0, s.length() - 1) : s);
            return v.bitLength() < 64 ? (Object) v.longValue() : v;
        } catch (NumberFormatException e) {
            throw error(opPos, "bad integer '" + s + "'");
        }
    }

    /** Python's raw-unicode-escape: text as is, except backslash-u plus 4 hex digits and backslash-U plus 8. */
    private static String rawUnicodeEscape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 6 <= s.length() && s.charAt(i + 1) == 'u') {
                b.append((char) Integer.parseInt(s.substring(i + 2, i + 6), 16));
                i += 5;
            } else if (c == '\\' && i + 10 <= s.length() && s.charAt(i + 1) == 'U') {
                b.appendCodePoint(Integer.parseInt(s.substring(i + 2, i + 10), 16));
                i += 9;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    private Long textLong(String s, int opPos) throws IOException {
        try {
            return Long.parseLong(s.endsWith("L") ? s.substring(0, s.length() - 1) : s);
        } catch (NumberFormatException e) {
            throw error(opPos, "bad integer '" + s + "'");
        }
    }

    private IOException error(int opPos, String what) {
        return new IOException(source + ": corrupt pickle at byte " + opPos + ": " + what);
    }
}
