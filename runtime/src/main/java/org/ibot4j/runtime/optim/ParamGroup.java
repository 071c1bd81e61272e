package org.ibot4j.runtime.optim;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.ibot4j.runtime.tensor.Tensor;

/**
 * A set of named parameters that share a learning rate and a weight decay, like one entry of PyTorch's
 * {@code optimizer.param_groups}. The learning rate and weight decay are mutable because schedules set them
 * every iteration; the parameter list is fixed at construction.
 */
public final class ParamGroup {
    /** One parameter of the group: its state-dict style name and the tensor that is updated in place. */
    public record Entry(String name, Tensor tensor) {
        public Entry {
            if (name == null) throw new IllegalArgumentException("parameter name is null");
            if (tensor == null) throw new IllegalArgumentException("parameter '" + name + "' is null");
        }
    }

    private final List<Entry> params;
    private double lr;
    private double weightDecay;

    public ParamGroup(List<Entry> params, double lr, double weightDecay) {
        this.params = Collections.unmodifiableList(new ArrayList<>(params));
        setLr(lr);
        setWeightDecay(weightDecay);
    }

    /** A group from a name → tensor map, in the map's iteration order. */
    public static ParamGroup of(Map<String, Tensor> params, double lr, double weightDecay) {
        List<Entry> list = new ArrayList<>(params.size());
        params.forEach((n, t) -> list.add(new Entry(n, t)));
        return new ParamGroup(list, lr, weightDecay);
    }

    /** A group of unnamed tensors (named by position: "0", "1", ...). */
    public static ParamGroup ofTensors(List<Tensor> params, double lr, double weightDecay) {
        List<Entry> list = new ArrayList<>(params.size());
        for (int i = 0; i < params.size(); i++) list.add(new Entry(Integer.toString(i), params.get(i)));
        return new ParamGroup(list, lr, weightDecay);
    }

    public List<Entry> params() { return params; }

    public double lr() { return lr; }

    public double weightDecay() { return weightDecay; }

    public void setLr(double lr) {
        if (!(lr >= 0) || Double.isInfinite(lr)) throw new IllegalArgumentException("learning rate must be finite and >= 0, got " + lr);
        this.lr = lr;
    }

    public void setWeightDecay(double weightDecay) {
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay))
            throw new IllegalArgumentException("weight decay must be finite and >= 0, got " + weightDecay);
        this.weightDecay = weightDecay;
    }

    /** Number of scalar values in this group. */
    public long numel() {
        long n = 0;
        for (Entry e : params) n += e.tensor().size();
        return n;
    }

    @Override public String toString() {
        return "ParamGroup(" + params.size() + " tensors, lr=" + lr + ", weightDecay=" + weightDecay + ")";
    }
}
