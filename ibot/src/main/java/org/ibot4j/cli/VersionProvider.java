package org.ibot4j.cli;

import java.io.InputStream;
import java.util.Properties;
import org.ibot4j.runtime.backend.Backends;
import picocli.CommandLine.IVersionProvider;

/** Prints the ibot4j version, the JVM, and which kernels are live. */
public final class VersionProvider implements IVersionProvider {
    @Override public String[] getVersion() throws Exception {
        Properties p = new Properties();
        try (InputStream in = VersionProvider.class.getResourceAsStream("version.properties")) { if (in != null) p.load(in); }
        return new String[] {
            "ibot4j " + p.getProperty("version", "dev"),
            "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")",
            "kernels: " + Backends.current().name()
        };
    }
}
