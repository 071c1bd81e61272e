package org.ibot4j.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.ibot4j.model.HeadConfig;
import org.ibot4j.model.IbotHead;
import org.ibot4j.runtime.autograd.GradMode;
import org.ibot4j.runtime.io.PthWriter;
import org.ibot4j.runtime.random.Rng;
import org.ibot4j.runtime.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The teacher head comes out of a full checkpoint with its config inferred from the tensor shapes. */
class HeadWeightsTest {
    @TempDir Path dir;

    static Map<String, Object> checkpoint(IbotHead head) {
        LinkedHashMap<String, Object> teacher = new LinkedHashMap<>();
        teacher.put("backbone.cls_token", Tensor.zeros(1, 1, 16));
        head.stateDict().forEach((k, v) -> teacher.put("head." + k, v));
        LinkedHashMap<String, Object> root = new LinkedHashMap<>();
        root.put("teacher", teacher);
        return root;
    }

    @Test void sharedAndSeparateHeadsRoundTripThroughAPthFile() throws Exception {
        for (HeadConfig cfg : new HeadConfig[] {
                HeadConfig.of(16, 10, true, true).withMlp(3, 24, 8),
                HeadConfig.of(16, 10, true, false).withMlp(2, 20, 6).withPatchOutDim(7).withNorm("ln")}) {
            IbotHead head = new IbotHead(cfg, new Rng(3));
            try (var ng = GradMode.noGrad()) { head.lastLayer().weightG().tensor().mulInPlace(1.5f); }
            Path f = dir.resolve("ckpt" + cfg.sharedHead() + ".pth");
            PthWriter.save(f, checkpoint(head));
            IbotHead loaded = HeadWeights.load(f, "teacher");
            assertEquals(cfg.inDim(), loaded.config().inDim());
            assertEquals(cfg.outDim(), loaded.config().outDim());
            assertEquals(cfg.effectivePatchDim(), loaded.config().effectivePatchDim());
            assertEquals(cfg.nlayers(), loaded.config().nlayers());
            assertEquals(cfg.hiddenDim(), loaded.config().hiddenDim());
            assertEquals(cfg.bottleneckDim(), loaded.config().bottleneckDim());
            assertEquals(cfg.norm(), loaded.config().norm());
            assertEquals(cfg.sharedHead(), loaded.config().sharedHead());
            Tensor x = Tensor.randn(new Rng(5), 2, 5, 16);
            try (var ng = GradMode.noGrad()) {
                assertArrayEquals(head.forward(x).patch().toArray(), loaded.forward(x).patch().toArray(), 1e-6f);
                assertArrayEquals(head.forward(x).cls().toArray(), loaded.forward(x).cls().toArray(), 1e-6f);
            }
        }
    }

    @Test void missingTeacherOrHeadIsAClearError() {
        IbotHead head = new IbotHead(HeadConfig.of(16, 10, true, true).withMlp(3, 24, 8), new Rng(3));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HeadWeights.fromRoot(checkpoint(head), "student", "ckpt"));
        assertTrue(e.getMessage().contains("no 'student' entry"), e.getMessage());
        Map<String, Object> noHead = Map.of("teacher", Map.of("backbone.cls_token", Tensor.zeros(1, 1, 16)));
        e = assertThrows(IllegalArgumentException.class, () -> HeadWeights.fromRoot(noHead, "teacher", "ckpt"));
        assertTrue(e.getMessage().contains("no iBOT head"), e.getMessage());
    }
}
