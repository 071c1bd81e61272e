package org.ibot4j.runtime.io;

import java.util.List;

/**
 * A Python object of an allow-listed class that ibot4j does not model (argparse {@code Namespace}, ...), read
 * in generic form: the class's module and name, the constructor arguments, and the state given to
 * {@code __setstate__} (usually the instance {@code __dict__} as a {@code Map}), or null.
 */
public record PickledObject(String module, String name, List<Object> args, Object state) {
    /** "module.name". */
    public String qualifiedName() { return module + "." + name; }
}
