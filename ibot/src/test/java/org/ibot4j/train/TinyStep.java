package org.ibot4j.train;

import org.ibot4j.model.MultiCropWrapper;
import org.ibot4j.runtime.random.Rng;
import org.ibot4j.runtime.tensor.Device;
import org.ibot4j.runtime.tensor.Tensor;

/**
 * What the step tests share: the official fixture's small student/teacher pair (teacher initialised from the student
 * and frozen), an iBOT loss over 2 global + 2 local crops with 32-dim heads, an AdamW step with clip 3.0, all on one
 * device; and seeded inputs for it (4 global 32-px crops, 4 local 16-px crops, every third patch masked).
 */
record TinyStep(MultiCropWrapper student, MultiCropWrapper teacher, IbotLoss loss, TrainStep step) {
    static TinyStep on(Device device, int freezeLastLayer) {
        MultiCropWrapper student = StepOfficialTest.network(true), teacher = StepOfficialTest.network(false);
        teacher.loadStateDict(student.stateDict(), false);
        teacher.setTrainable(false);
        IbotLoss loss = new IbotLoss(IbotLoss.Config.of(32, 32, 2, 2, 0.04, 0.07, 0.04, 0.07, 30, 100));
        student.to(device);
        teacher.to(device);
        loss.to(device);
        return new TinyStep(student, teacher, loss,
                new TrainStep(student, teacher, loss, TrainStep.adamW(student), 3.0, freezeLastLayer, 2));
    }

    /** {global crops, local crops, masks}. */
    static Tensor[] inputs(Rng rng) {
        Tensor masks = Tensor.zeros(4, 8, 8);
        for (int i = 0; i < 4 * 64; i += 3) masks.array()[i] = 1f;
        return new Tensor[] {Tensor.randn(rng, 4, 3, 32, 32), Tensor.randn(rng, 4, 3, 16, 16), masks};
    }
}
