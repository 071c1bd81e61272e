package org.ibot4j.model;

import static org.ibot4j.model.Close.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.ibot4j.runtime.io.PthReader;
import org.ibot4j.runtime.random.Rng;
import org.ibot4j.runtime.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The iBOT head against the official {@code iBOTHead} (commit da316d8, PyTorch 1.13) with separate and shared
 * last layers (fixture head, from vit_micro): state-dict keys, which parameters train, both outputs on the
 * masked micro-ViT tokens, the 2-D (CLS only) path, and the gradients of
 * {@code sum(x1·grad_weight_x1) + sum(x2·grad_weight_x2)} for every parameter and the input. The head state
 * is read from the official {@code torch.save} file through {@link PthReader}.
 */
class IbotHeadOfficialTest {
    static final double REL = 1e-5;
    static final OfficialFixture FX = OfficialFixture.load("head");

    static HeadConfig config(String name) {
        JsonNode kw = FX.meta().get(name).get("kw");
        return new HeadConfig(64, 32, kw.get("patch_out_dim").asInt(), kw.get("nlayers").asInt(), kw.get("hidden_dim").asInt(),
                kw.get("bottleneck_dim").asInt(), kw.get("act").asText(), kw.get("norm").isNull() ? null : kw.get("norm").asText(),
                kw.get("norm_last_layer").asBoolean(), kw.get("shared_head").asBoolean());
    }

    static IbotHead loaded(String name) throws Exception {
        IbotHead head = new IbotHead(config(name), new Rng(3));
        Map<String, Tensor> state = PthReader.tensors((Map<?, ?>) PthReader.load(PthCheckpointTest.resource("/fixtures/official/head/" + name + ".pth")));
        head.loadStateDict(state, true);
        return head;
    }

    @ParameterizedTest @ValueSource(strings = {"head_sep", "head_shared"})
    void stateDictAndTrainableParametersAreTheReferenceOnes(String name) {
        IbotHead head = new IbotHead(config(name), new Rng(3));
        List<String> keys = new ArrayList<>();
        for (JsonNode e : FX.meta().get(name).get("state_dict")) {
            keys.add(e.get(0).asText());
            int[] shape = new int[e.get(1).size()];
            for (int i = 0; i < shape.length; i++) shape[i] = e.get(1).get(i).asInt();
            assertEquals(Arrays.toString(shape), Arrays.toString(head.stateDict().get(e.get(0).asText()).dims()), e.get(0).asText());
        }
        assertEquals(keys, new ArrayList<>(head.stateDict().keySet()));
        List<String> trainable = new ArrayList<>();
        FX.meta().get(name).get("params_requires_grad").forEach(n -> trainable.add(n.asText()));
        assertEquals(trainable, new ArrayList<>(head.trainableTensors().keySet()));
    }

    @ParameterizedTest @ValueSource(strings = {"head_sep", "head_shared"})
    void outputsAndGradientsMatchOfficial(String name) throws Exception {
        IbotHead head = loaded(name);
        Tensor x = FX.tensor("masked_all_tokens").requiresGrad(true);
        IbotHead.Output out = head.forward(x);
        assertClose(name + " x1_cls", FX.tensor(name + "/x1_cls"), out.cls(), REL);
        assertClose(name + " x2_patch", FX.tensor(name + "/x2_patch"), out.patch(), REL);

        Tensor objective = out.cls().mul(FX.tensor(name + "/grad_weight_x1")).sum()
                .add(out.patch().mul(FX.tensor(name + "/grad_weight_x2")).sum());
        objective.backward();
        assertClose(name + " grad_input", FX.tensor(name + "/grad_input"), x.grad(), REL);
        Map<String, Tensor> expected = FX.group(name + "/grad");
        assertEquals(expected.keySet(), head.trainableTensors().keySet(), "parameters with a gradient");
        head.trainableTensors().forEach((n, t) -> assertClose(name + " grad " + n, expected.get(n), t.grad(), REL));
        if (config(name).normLastLayer()) assertNull(head.lastLayer().weightG().grad(), "frozen g gets no gradient");
    }

    @ParameterizedTest @ValueSource(strings = {"head_sep", "head_shared"})
    void clsOnlyPathMatchesOfficial2dInput(String name) throws Exception {
        IbotHead head = loaded(name);
        Tensor cls = FX.tensor("masked_all_tokens").select(1, 0);
        assertClose(name + " out_2d_input", FX.tensor(name + "/out_2d_input"), head.forwardCls(cls), REL);
        IbotHead.Output o = head.forward(cls.contiguous());
        assertNull(o.patch());
        assertClose(name + " forward(2-D)", FX.tensor(name + "/out_2d_input"), o.cls(), REL);
    }
}
