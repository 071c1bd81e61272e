package org.ibot4j.cli;

import org.ibot4j.runtime.backend.Backends;
import org.ibot4j.runtime.backend.DeviceSelection;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** The {@code ibot} command line (started by {@code org.ibot4j.launcher.Launcher}). */
@Command(name = "ibot", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "iBOT self-supervised pre-training on the JVM.",
        subcommands = {CommandLine.HelpCommand.class, SelfCheckCommand.class, BenchCommand.class,
                ExtractBackboneCommand.class, EmbedCommand.class, PretrainCommand.class,
                VisualizeAttentionCommand.class, CorrespondenceCommand.class, ExtractPatternsCommand.class,
                EvalKnnCommand.class, EvalLinearCommand.class, FinetuneCommand.class})
public final class Main implements Runnable {
    public static void main(String[] args) {
        int code = PretrainCommand.withOneLineErrors(new CommandLine(new Main())).execute(args);
        System.exit(code);
    }

    @Spec CommandSpec spec;

    @Option(names = "--threads", scope = ScopeType.INHERIT, paramLabel = "N",
            description = "CPU kernel threads (default: all cores, or IBOT4J_THREADS).")
    void setThreads(int threads) {
        if (threads < 1) throw new CommandLine.ParameterException(spec.commandLine(), "--threads must be >= 1, got " + threads);
        Backends.setCpuThreads(threads);
    }

    @Option(names = "--device", scope = ScopeType.INHERIT, paramLabel = "cuda|cpu|auto",
            description = "Where pre-training keeps the models and runs their kernels: cuda, cpu, or auto (the default: "
                    + "CUDA when a GPU passes a smoke test, else the CPU; one stderr line says which and why).")
    void setDevice(String device) {
        try {
            DeviceSelection.apply(device, System.err);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    @Override public void run() { spec.commandLine().usage(spec.commandLine().getOut()); }
}
