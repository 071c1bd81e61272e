package org.ibot4j.runtime.golden;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.ibot4j.runtime.backend.Backend;
import org.ibot4j.runtime.backend.Backends;
import org.ibot4j.runtime.tensor.Tensor;

/**
 * Runs one op case of tools/make_runtime_fixtures.py: builds the inputs listed in {@code meta.inputs}
 * (those in {@code meta.differentiable} as grad-requiring leaves), applies the ibot4j op, compares every
 * output in {@code meta.outputs}, back-propagates the stored upstream gradients and compares the gradient of
 * every differentiable input. Each case runs twice: on the default (Vector API) backend and on the scalar
 * reference backend, so both kernel sets are held to PyTorch.
 */
final class OpGolden {
    private OpGolden() {}

    /** Single-output op under {@link Tol#OP}. */
    static void check(String caseName, Function<Map<String, Tensor>, Tensor> op) { check(caseName, Tol.OP, op); }

    static void check(String caseName, Tol tol, Function<Map<String, Tensor>, Tensor> op) {
        checkMulti(caseName, tol, in -> Map.of("out", op.apply(in)));
    }

    /** An op with named outputs (the names stored in the fixture). */
    static void checkMulti(String caseName, Tol tol, Function<Map<String, Tensor>, Map<String, Tensor>> op) {
        Fixture f = FixtureReader.torch(caseName);
        run(f, "vector", Backends.current(), tol, op);
        run(f, "scalar", Backends.reference(), tol, op);
    }

    private static void run(Fixture f, String label, Backend backend, Tol tol, Function<Map<String, Tensor>, Map<String, Tensor>> op) {
        String tag = f.dir().substring(f.dir().lastIndexOf('/') + 1) + "[" + label + "] ";
        Backends.with(backend, () -> {
            Set<String> diff = Set.copyOf(f.metaStrings("differentiable"));
            Map<String, Tensor> in = new LinkedHashMap<>();
            for (String n : f.metaStrings("inputs")) in.put(n, f.tensor(n).requiresGrad(diff.contains(n)));
            Map<String, Tensor> outs = op.apply(in);
            List<Tensor[]> seeds = new ArrayList<>();  // {output, upstream grad}
            for (String n : f.metaStrings("outputs")) {
                Tensor out = outs.get(n);
                GoldenAssert.assertClose(tag + n, f.tensor(n), out, tol);
                String g = n.equals("out") ? "gout" : "gout_" + n;
                if (f.has(g)) seeds.add(new Tensor[] {out, f.tensor(g)});
            }
            if (!diff.isEmpty()) {
                backward(seeds);
                for (String n : diff) GoldenAssert.assertClose(tag + "grad_" + n, f.tensor("grad_" + n), in.get(n).grad(), tol);
            }
            return null;
        });
    }

    /** One output: backward with its upstream grad; several: backward of sum_k sum(out_k * gout_k). */
    private static void backward(List<Tensor[]> seeds) {
        if (seeds.size() == 1) { seeds.get(0)[0].backward(seeds.get(0)[1]); return; }
        Tensor loss = null;
        for (Tensor[] s : seeds) {
            Tensor term = s[0].mul(s[1]).sum();
            loss = loss == null ? term : loss.add(term);
        }
        loss.backward();
    }
}
