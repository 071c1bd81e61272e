package org.ibot4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.ibot4j.train.TrainConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** pretrain's arguments: reference names and defaults, booleans, lists, config files and presets. */
class PretrainConfigTest {
    private static TrainConfig parse(String... args) throws Exception {
        PretrainCommand cmd = new PretrainCommand();
        new CommandLine(cmd).parseArgs(args);
        return cmd.toConfig();
    }

    private static Path conf(String name) {
        Path p = Path.of("../conf", name);
        return Files.exists(p) ? p : Path.of("conf", name);
    }

    @Test
    void defaultsAreTheReferenceOnes() throws Exception {
        TrainConfig c = parse("--data_path", "x");
        assertEquals(100, c.epochs());
        assertEquals("vit_small", c.arch());
        assertEquals(16, c.patchSize());
        assertEquals(8192, c.outDim());
        assertEquals(8192, c.patchOutDim());
        assertFalse(c.sharedHead());
        assertTrue(c.sharedHeadTeacher());
        assertTrue(c.normLastLayer());
        assertEquals(0.996, c.momentumTeacher());
        assertNull(c.normInHead());
        assertEquals("gelu", c.actInHead());
        assertTrue(c.useMaskedImModeling());
        assertEquals(List.of(0.3), c.predRatio());
        assertEquals(List.of(0.0), c.predRatioVar());
        assertEquals("block", c.predShape());
        assertEquals(0.04, c.warmupTeacherTemp());
        assertEquals(0.04, c.teacherTemp());
        assertEquals(0.04, c.warmupTeacherPatchTemp());
        assertEquals(0.07, c.teacherPatchTemp());
        assertEquals(30, c.warmupTeacherTempEpochs());
        assertEquals(0.04, c.weightDecay());
        assertEquals(0.4, c.weightDecayEnd());
        assertEquals(3.0, c.clipGrad());
        assertEquals(128, c.batchSizePerGpu());
        assertEquals(100, c.epochs());
        assertEquals(1, c.freezeLastLayer());
        assertEquals(5e-4, c.lr());
        assertEquals(10, c.warmupEpochs());
        assertEquals(1e-6, c.minLr());
        assertEquals("adamw", c.optimizer());
        assertEquals(0.1, c.dropPath());
        assertEquals(2, c.globalCropsNumber());
        assertEquals(List.of(0.14, 1.0), c.globalCropsScale());
        assertEquals(0, c.localCropsNumber());
        assertEquals(List.of(0.05, 0.4), c.localCropsScale());
        assertEquals(Path.of("."), c.outputDir());
        assertEquals(40, c.saveckpFreq());
        assertEquals(0, c.seed());
        assertEquals(224, c.globalCropSize());
        assertEquals(96, c.localCropSize());
    }

    @Test
    void booleansAndListsParseLikeTheReference() throws Exception {
        TrainConfig c = parse("--data_path", "x", "--shared_head", "ON", "--norm_last_layer", "0", "--use_fp16", "False",
                "--pred_ratio", "0", "0.3", "--pred_ratio_var", "0", "0.2", "--arch", "deit_small");
        assertTrue(c.sharedHead());
        assertFalse(c.normLastLayer());
        assertFalse(c.useFp16());
        assertEquals(List.of(0.0, 0.3), c.predRatio());
        assertEquals(List.of(0.0, 0.2), c.predRatioVar());
        assertEquals("vit_small", c.arch());
        assertThrows(CommandLine.ParameterException.class, () -> parse("--shared_head", "yes"));
        var e = assertThrows(CommandLine.ParameterException.class, () -> parse("--pred_shape", "square"));
        assertTrue(e.getMessage().contains("--pred_shape"), e.getMessage());
    }

    @Test
    void configFileIsOverriddenByFlags(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("c.yaml");
        Files.writeString(f, "# comment\nepochs: 7\nwarmup_epochs: 2\nwarmup_teacher_temp_epochs: 5\nlr: 0.001  # peak\nglobal_crops_scale: [0.3, 1]\nshared_head: on\nnorm_in_head: null\n");
        TrainConfig c = parse("--config", f.toString(), "--epochs", "9");
        assertEquals(9, c.epochs());
        assertEquals(0.001, c.lr());
        assertEquals(List.of(0.3, 1.0), c.globalCropsScale());
        assertTrue(c.sharedHead());
        Files.writeString(f, "epochz: 7\n");
        var e = assertThrows(CommandLine.ParameterException.class, () -> parse("--config", f.toString()));
        assertTrue(e.getMessage().contains("epochz"), e.getMessage());
    }

    @Test
    void presetsParseAndTheBuiltInDefaultIsTheFashionMnistPreset() throws Exception {
        TrainConfig s = parse("--config", conf("vit_small_16.yaml").toString());
        assertEquals(800, s.epochs());
        assertEquals(10, s.localCropsNumber());
        assertEquals(List.of(0.0, 0.3), s.predRatio());
        assertFalse(s.normLastLayer());
        assertEquals(400, parse("--config", conf("vit_base_16.yaml").toString()).epochs());
        assertEquals(250, parse("--config", conf("vit_large_16.yaml").toString()).epochs());
        TrainConfig f = parse("--config", conf("fashion_mnist.yaml").toString());
        TrainConfig builtIn = parse();
        assertEquals(f, builtIn);
        CommandLine main = new CommandLine(new Main());
        main.parseArgs("--threads", "2", "pretrain");
        PretrainCommand viaMain = main.getSubcommands().get("pretrain").getCommand();
        assertEquals(f, viaMain.toConfig());
        main = new CommandLine(new Main());
        main.parseArgs("pretrain", "--data_path", "x");
        assertEquals(Path.of("."), ((PretrainCommand) main.getSubcommands().get("pretrain").getCommand()).toConfig().outputDir());
        assertEquals(32, f.globalCropSize());
        assertEquals(16, f.localCropSize());
        assertEquals(4, f.patchSize());
    }

    @Test
    void helpListsEveryReferenceArgumentWithItsDefault() {
        StringWriter out = new StringWriter();
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(new PrintWriter(out, true));
        assertEquals(0, cl.execute("pretrain", "--help"));
        String help = out.toString();
        for (String flag : List.of("--arch", "--patch_size", "--window_size", "--out_dim", "--patch_out_dim", "--shared_head",
                "--shared_head_teacher", "--norm_last_layer", "--momentum_teacher", "--norm_in_head", "--act_in_head",
                "--use_masked_im_modeling", "--pred_ratio", "--pred_ratio_var", "--pred_shape", "--pred_start_epoch",
                "--lambda1", "--lambda2", "--warmup_teacher_temp", "--teacher_temp", "--warmup_teacher_patch_temp",
                "--teacher_patch_temp", "--warmup_teacher_temp_epochs", "--use_fp16", "--weight_decay", "--weight_decay_end",
                "--clip_grad", "--batch_size_per_gpu", "--epochs", "--freeze_last_layer", "--lr", "--warmup_epochs", "--min_lr",
                "--optimizer", "--load_from", "--drop_path", "--global_crops_number", "--global_crops_scale",
                "--local_crops_number", "--local_crops_scale", "--data_path", "--output_dir", "--saveckp_freq", "--seed",
                "--num_workers", "--dist_url", "--local_rank", "--config"))
            assertTrue(help.contains(flag + " ") || help.contains(flag + "="), "help lacks " + flag);
        assertTrue(help.contains("(default: 0.996)"), help);
        assertTrue(help.contains("(default: 8192)"), help);
    }

    @Test
    void badValueIsOneErrorLine() {
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new Main());
        cl.setErr(new PrintWriter(err, true));
        assertEquals(2, cl.execute("pretrain", "--epochs", "0", "--data_path", "x"));
        assertEquals("pretrain: --epochs must be > 0, got 0", err.toString().strip());
        StringWriter err2 = new StringWriter();
        CommandLine wrapped = PretrainCommand.withOneLineErrors(new CommandLine(new Main()));
        wrapped.setErr(new PrintWriter(err2, true));
        assertEquals(2, wrapped.execute("pretrain", "--lr", "abc"));
        assertEquals(1, err2.toString().strip().lines().count(), err2.toString());
        assertTrue(err2.toString().contains("--lr") && err2.toString().contains("abc"), err2.toString());
    }
}
