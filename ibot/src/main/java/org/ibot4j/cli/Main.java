package org.ibot4j.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code ibot} command line (started by {@code org.ibot4j.launcher.Launcher}). */
@Command(name = "ibot", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "iBOT self-supervised pre-training on the JVM.",
        subcommands = {CommandLine.HelpCommand.class, SelfCheckCommand.class})
public final class Main implements Runnable {
    public static void main(String[] args) {
        int code = new CommandLine(new Main()).execute(args);
        System.exit(code);
    }

    @Override public void run() { new CommandLine(this).usage(System.out); }
}
