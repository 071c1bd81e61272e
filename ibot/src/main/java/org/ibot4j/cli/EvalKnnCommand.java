package org.ibot4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.ibot4j.eval.Features;
import org.ibot4j.eval.Knn;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ibot eval_knn} (spec 9.2): weighted k-NN classification of frozen-backbone features, as the
 * reference's {@code eval_knn.py}: features L2-normalised, the k most similar training features vote with
 * weight {@code exp(sim / T)}; top-1 and top-5 for every k. Prints a table and writes {@code knn.json}.
 */
@Command(name = "eval_knn", mixinStandardHelpOptions = true,
        description = {"Weighted k-NN evaluation of a frozen backbone (spec 9.2): features are",
                "L2-normalised, the k nearest training features vote with weight exp(cos/T);",
                "top-1 and top-5 accuracy for every k. Features: the final-norm CLS token",
                "by default. Baselines: --random_init (the same architecture with random",
                "weights) and --pixels (the normalised pixels). Writes OUTPUT_DIR/knn.json.",
                ""})
public final class EvalKnnCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin BackboneOptions backbone;

    @Mixin EvalDataOptions data;

    @Mixin EvalFeatureOptions features;

    @Option(names = "--nb_knn", arity = "1..*", defaultValue = "10 20 100 200", split = "\\s+|,", splitSynopsisLabel = ",", paramLabel = "K",
            description = "Numbers of neighbours to evaluate (default: ${DEFAULT-VALUE}; 20 is the usual headline).")
    int[] nbKnn;

    @Option(names = "--temperature", defaultValue = "0.07", description = "Temperature T of the votes exp(sim/T) (default: ${DEFAULT-VALUE}).")
    double temperature;

    @Option(names = "--output_dir", defaultValue = ".", paramLabel = "DIR", description = "Where to write knn.json (default: ${DEFAULT-VALUE}).")
    Path outputDir;

    @Override public Integer call() {
        return CommandErrors.run(spec, CommandErrors.AS_IS, this::run);
    }

    private void run(PrintWriter err) throws IOException {
        for (int k : nbKnn) if (k < 1) throw new IllegalArgumentException("--nb_knn values must be >= 1, got " + k);
        if (!(temperature > 0) || Double.isInfinite(temperature)) throw new IllegalArgumentException("--temperature must be > 0, got " + temperature);
        EvalFeatureOptions.Loaded f = features.load(backbone, data, Features.Mode.CLS, err, "eval_knn");
        Features.Set train = f.features().train(), val = f.features().val();
        for (int k : nbKnn)
            if (k > train.size()) err.println("eval_knn: note: k=" + k + " exceeds the " + train.size() + " training features; it uses all of them");
        long t0 = System.nanoTime();
        List<Knn.KResult> results = Knn.evaluate(train.features(), train.labels(), val.features(), val.labels(), train.dim(), nbKnn, temperature, 0);
        double seconds = (System.nanoTime() - t0) / 1e9;

        PrintWriter out = spec.commandLine().getOut();
        out.println(table(results, f, temperature));
        out.flush();

        Map<String, Object> json = new LinkedHashMap<>();
        json.put("command", "eval_knn");
        json.put("temperature", temperature);
        json.put("features", f.info());
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Knn.KResult r : results) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("k", r.k());
            row.put("effective_k", r.effectiveK());
            row.put("top1", 100 * r.top1());
            row.put("top5", 100 * r.top5());
            rows.add(row);
        }
        json.put("results", rows);
        json.put("seconds_knn", seconds);
        Path file = outputDir.resolve("knn.json");
        EvalResults.write(file, json);
        out.println("wrote " + file);
        out.flush();
    }

    /** The printed table: one row per k, top-1 and top-5 in %, k=20 marked as the usual headline. */
    static String table(List<Knn.KResult> results, EvalFeatureOptions.Loaded f, double t) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "k-NN (T=%s) on %d-d features (%s): %d train, %d val, %d classes%n", t,
                f.features().train().dim(), f.info().get("source"), f.features().train().size(), f.features().val().size(), f.classes()));
        sb.append(String.format(Locale.ROOT, "%6s  %7s  %7s%n", "k", "top-1", "top-5"));
        for (Knn.KResult r : results)
            sb.append(String.format(Locale.ROOT, "%6d  %6.2f%%  %6.2f%%%s%n", r.k(), 100 * r.top1(), 100 * r.top5(), r.k() == Knn.DEFAULT_K ? "  <- usual headline" : ""));
        return sb.toString().stripTrailing();
    }
}
