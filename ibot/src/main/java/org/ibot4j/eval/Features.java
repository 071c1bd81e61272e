package org.ibot4j.eval;

import java.util.ArrayList;
import java.util.List;
import org.ibot4j.data.Dataset;
import org.ibot4j.data.EvalTransform;
import org.ibot4j.data.RgbImage;
import org.ibot4j.model.Backbone;
import org.ibot4j.runtime.autograd.GradMode;
import org.ibot4j.runtime.tensor.Tensor;

/**
 * k-NN features (spec 9.2, {@code avgpool = 0}): the final-norm CLS token of a backbone for the first {@code n}
 * images of a dataset, each through the evaluation transform, computed in batches without a graph.
 */
public final class Features {
    /** Features {@code [n, D]} row-major and the labels of the same images. */
    public record Set(float[] features, int[] labels, int dim) {
        public int size() { return labels.length; }
    }

    private Features() {}

    public static Set cls(Backbone backbone, Dataset data, int n, EvalTransform transform, int batch) {
        int count = Math.min(n, data.size()), d = backbone.embedDim();
        float[] out = new float[count * d];
        int[] labels = new int[count];
        try (var s = GradMode.noGrad()) {
            for (int start = 0; start < count; start += batch) {
                int end = Math.min(count, start + batch);
                List<Tensor> imgs = new ArrayList<>();
                for (int i = start; i < end; i++) {
                    RgbImage img = data.image(i);
                    if (img == null) throw new IllegalStateException("image " + i + " cannot be read");
                    Tensor t = transform.apply(img);
                    imgs.add(t.reshape(1, t.dim(0), t.dim(1), t.dim(2)));
                    labels[i] = data.label(i);
                }
                Tensor cls = backbone.forward(Tensor.concat(imgs, 0)).cls().contiguous();
                cls.copyInto(out, start * d);
            }
        }
        return new Set(out, labels, d);
    }

    /** k-NN top-1 (fraction) of {@code test} against {@code train}. */
    public static double knnTop1(Set train, Set test, int k) {
        return Knn.classify(train.features(), train.labels(), test.features(), test.labels(), train.dim(), k, Knn.DEFAULT_T).top1();
    }
}
