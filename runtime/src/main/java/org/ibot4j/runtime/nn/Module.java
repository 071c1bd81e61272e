package org.ibot4j.runtime.nn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.ibot4j.runtime.tensor.Tensor;

/**
 * Base of the module tree, mirroring {@code torch.nn.Module}'s bookkeeping: children, parameters and buffers
 * registered by name in insertion order, giving PyTorch-identical dotted names ({@code blocks.0.attn.qkv.weight}).
 *
 * <p>A module may be registered under two names (a shared sub-module): like PyTorch, {@link #stateDict()}
 * then lists its tensors under both names while {@link #namedParameters()} lists each tensor once, under
 * the first name met. Forward signatures differ per module; single-input modules extend {@link Layer}.
 */
public abstract class Module {
    private final LinkedHashMap<String, Module> children = new LinkedHashMap<>();
    private final LinkedHashMap<String, Parameter> params = new LinkedHashMap<>();
    private final LinkedHashMap<String, Tensor> buffers = new LinkedHashMap<>();
    private final Set<String> nonPersistent = new HashSet<>();
    private boolean training = true;

    // ---------------------------------------------------------------- registration

    /** Registers {@code child} under {@code name} and returns it. */
    protected final <M extends Module> M registerModule(String name, M child) {
        checkName(name);
        if (child == null) throw new IllegalArgumentException("child module '" + name + "' of " + getClass().getSimpleName() + " is null");
        children.put(name, child);
        return child;
    }

    /** Registers {@code tensor} as a trainable parameter and returns the parameter. */
    protected final Parameter registerParameter(String name, Tensor tensor) {
        return registerParameter(name, new Parameter(tensor));
    }

    protected final Parameter registerParameter(String name, Parameter p) {
        checkName(name);
        if (p == null) throw new IllegalArgumentException("parameter '" + name + "' of " + getClass().getSimpleName() + " is null");
        params.put(name, p);
        return p;
    }

    /** Registers a persistent (saved in the state dict) non-trainable tensor and returns it. */
    protected final Tensor registerBuffer(String name, Tensor t) { return registerBuffer(name, t, true); }

    protected final Tensor registerBuffer(String name, Tensor t, boolean persistent) {
        checkName(name);
        if (t == null) throw new IllegalArgumentException("buffer '" + name + "' of " + getClass().getSimpleName() + " is null");
        buffers.put(name, t);
        if (!persistent) nonPersistent.add(name);
        return t;
    }

    private void checkName(String name) {
        if (name == null || name.isEmpty() || name.contains("."))
            throw new IllegalArgumentException("invalid member name '" + name + "' (must be non-empty, without '.')");
        if (children.containsKey(name) || params.containsKey(name) || buffers.containsKey(name))
            throw new IllegalArgumentException(getClass().getSimpleName() + " already has a member named '" + name + "'");
    }

    // ---------------------------------------------------------------- direct members

    /** Direct children in registration order (unmodifiable). */
    public final Map<String, Module> children() { return Collections.unmodifiableMap(children); }

    /** The direct child {@code name}. */
    public final Module child(String name) {
        Module m = children.get(name);
        if (m == null) throw new IllegalArgumentException(getClass().getSimpleName() + " has no child '" + name + "'; children: " + children.keySet());
        return m;
    }

    /** This module's own parameters (not its children's), in registration order (unmodifiable). */
    public final Map<String, Parameter> ownParameters() { return Collections.unmodifiableMap(params); }

    /** This module's own buffers, in registration order (unmodifiable). */
    public final Map<String, Tensor> ownBuffers() { return Collections.unmodifiableMap(buffers); }

    // ---------------------------------------------------------------- recursive views

    /** Every parameter by dotted name, depth-first in registration order, each tensor once (first name wins). */
    public final LinkedHashMap<String, Parameter> namedParameters() {
        LinkedHashMap<String, Parameter> out = new LinkedHashMap<>();
        Map<Parameter, Boolean> seen = new IdentityHashMap<>();
        for (var e : namedModules().entrySet())
            for (var p : e.getValue().params.entrySet())
                if (seen.put(p.getValue(), Boolean.TRUE) == null) out.put(join(e.getKey(), p.getKey()), p.getValue());
        return out;
    }

    /** The parameters of {@link #namedParameters()} in the same order. */
    public final List<Parameter> parameters() { return new ArrayList<>(namedParameters().values()); }

    /** Trainable parameters' tensors by name (frozen ones left out): the input for optimiser parameter groups. */
    public final LinkedHashMap<String, Tensor> trainableTensors() {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        namedParameters().forEach((n, p) -> { if (p.trainable()) out.put(n, p.tensor()); });
        return out;
    }

    /** Every buffer by dotted name, each tensor once. */
    public final LinkedHashMap<String, Tensor> namedBuffers() {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        Map<Tensor, Boolean> seen = new IdentityHashMap<>();
        for (var e : namedModules().entrySet())
            for (var b : e.getValue().buffers.entrySet())
                if (seen.put(b.getValue(), Boolean.TRUE) == null) out.put(join(e.getKey(), b.getKey()), b.getValue());
        return out;
    }

    /** This module (name "") and every descendant by dotted name, pre-order, each module once. */
    public final LinkedHashMap<String, Module> namedModules() {
        LinkedHashMap<String, Module> out = new LinkedHashMap<>();
        collectModules("", this, out, new IdentityHashMap<>());
        return out;
    }

    private static void collectModules(String prefix, Module m, Map<String, Module> out, Map<Module, Boolean> seen) {
        if (seen.put(m, Boolean.TRUE) != null) return;
        out.put(prefix, m);
        for (var c : m.children.entrySet()) collectModules(join(prefix, c.getKey()), c.getValue(), out, seen);
    }

    /** Runs {@code fn} on every descendant and then on this module (children first, like {@code Module.apply}). */
    public final void apply(Consumer<Module> fn) {
        for (Module c : children.values()) c.apply(fn);
        fn.accept(this);
    }

    // ---------------------------------------------------------------- state dict

    /**
     * Parameters and persistent buffers by dotted name, PyTorch order (a module's own parameters, then its
     * own buffers, then each child). The tensors are the live ones (not copies). A shared sub-module appears
     * under every name it is registered with.
     */
    public final LinkedHashMap<String, Tensor> stateDict() {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        collectState("", out);
        return out;
    }

    private void collectState(String prefix, Map<String, Tensor> out) {
        params.forEach((n, p) -> out.put(join(prefix, n), p.tensor()));
        buffers.forEach((n, b) -> { if (!nonPersistent.contains(n)) out.put(join(prefix, n), b); });
        children.forEach((n, c) -> c.collectState(join(prefix, n), out));
    }

    /** Keys of a state dict that were missing or unexpected during {@link #loadStateDict}. */
    public record LoadResult(List<String> missingKeys, List<String> unexpectedKeys) {}

    /**
     * Copies values from {@code state} into this module's parameters and buffers, in place (tensor identity
     * is kept, so optimiser state stays attached). Shape mismatches are always an error; with {@code strict},
     * missing or unexpected keys are too. The error lists every offending key. Nothing is copied when it
     * throws. Keys are applied in {@link #stateDict()} order, so for a shared sub-module the last name wins.
     */
    public final LoadResult loadStateDict(Map<String, Tensor> state, boolean strict) {
        LinkedHashMap<String, Tensor> own = stateDict();
        List<String> missing = new ArrayList<>(), unexpected = new ArrayList<>(), misShaped = new ArrayList<>();
        for (var e : own.entrySet()) {
            Tensor src = state.get(e.getKey());
            if (src == null) missing.add(e.getKey());
            else if (!src.shape().equals(e.getValue().shape()))
                misShaped.add(e.getKey() + " (checkpoint " + src.shape() + ", model " + e.getValue().shape() + ")");
        }
        for (String k : state.keySet()) if (!own.containsKey(k)) unexpected.add(k);
        if (!misShaped.isEmpty() || (strict && (!missing.isEmpty() || !unexpected.isEmpty()))) {
            StringBuilder sb = new StringBuilder("error loading state dict into " + getClass().getSimpleName() + ":");
            if (!misShaped.isEmpty()) sb.append("\n  size mismatch: ").append(String.join(", ", misShaped));
            if (strict && !missing.isEmpty()) sb.append("\n  missing keys: ").append(String.join(", ", missing));
            if (strict && !unexpected.isEmpty()) sb.append("\n  unexpected keys: ").append(String.join(", ", unexpected));
            throw new IllegalArgumentException(sb.toString());
        }
        for (var e : own.entrySet()) {
            Tensor src = state.get(e.getKey());
            if (src != null && src != e.getValue()) e.getValue().copyFrom(src);
        }
        return new LoadResult(List.copyOf(missing), List.copyOf(unexpected));
    }

    // ---------------------------------------------------------------- modes and housekeeping

    /** Sets training mode on this module and all descendants. Returns this. */
    public Module train(boolean on) {
        training = on;
        for (Module c : children.values()) c.train(on);
        return this;
    }

    public final Module train() { return train(true); }

    public final Module eval() { return train(false); }

    public final boolean isTraining() { return training; }

    /**
     * Moves every parameter and buffer to {@code device} in place: the tensor objects stay the same, so optimiser
     * state, teacher/student pairings and fields holding them stay valid; gradients are dropped. Returns this.
     */
    public final Module to(org.ibot4j.runtime.tensor.Device device) {
        for (Parameter p : parameters()) p.tensor().relocate(device);
        for (Tensor b : namedBuffers().values()) b.relocate(device);
        return this;
    }

    /** Clears every parameter's gradient. */
    public final void zeroGrad() { for (Parameter p : parameters()) p.zeroGrad(); }

    /** Freezes ({@code false}) or unfreezes every parameter. Returns this. */
    public final Module setTrainable(boolean on) {
        for (Parameter p : parameters()) p.setTrainable(on);
        return this;
    }

    /** Number of scalar parameters, each shared tensor counted once. */
    public final long parameterCount() {
        long n = 0;
        for (Parameter p : parameters()) n += p.size();
        return n;
    }

    /** Number of scalar trainable parameters. */
    public final long trainableParameterCount() {
        long n = 0;
        for (Parameter p : parameters()) if (p.trainable()) n += p.size();
        return n;
    }

    static String join(String prefix, String name) { return prefix.isEmpty() ? name : prefix + "." + name; }

    @Override public String toString() { return getClass().getSimpleName() + "(" + parameterCount() + " params)"; }
}
