package org.ibot4j.runtime.nn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;

/** An indexed list of sub-modules named by position ({@code blocks.0}, {@code blocks.1}, ...), like {@code nn.ModuleList}. */
public final class ModuleList<M extends Module> extends Module implements Iterable<M> {
    private final List<M> items = new ArrayList<>();

    public ModuleList() {}

    public ModuleList(List<? extends M> items) { for (M m : items) add(m); }

    /** Appends {@code m} under the next index and returns it. */
    public M add(M m) {
        registerModule(Integer.toString(items.size()), m);
        items.add(m);
        return m;
    }

    public M get(int i) { return items.get(i); }

    public int size() { return items.size(); }

    public List<M> asList() { return Collections.unmodifiableList(items); }

    @Override public Iterator<M> iterator() { return asList().iterator(); }
}
