package dev.tonnage.testing;

import java.io.PrintStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Prints the logs of every {@link ComponentLogs} field of a failed test (static and instance
 * fields, outer classes of nested tests included) to stderr, which the test report attaches.
 *
 * <p>Runs right after the test method, before {@code @AfterEach} closes per-test fixtures.
 */
public final class PrintComponentLogsOnFailure implements AfterTestExecutionCallback {

  /** Logs are cut to their last characters: the end of a log is where the failure is. */
  static final int MAX_CHARS_PER_COMPONENT = 64 * 1024;

  @Override
  public void afterTestExecution(ExtensionContext context) {
    if (context.getExecutionException().isEmpty()) {
      return;
    }
    PrintStream err = System.err;
    for (ComponentLogs component : componentsOf(context)) {
      err.println(render(component));
    }
  }

  static String render(ComponentLogs component) {
    String logs;
    try {
      logs = component.logs();
    } catch (RuntimeException e) {
      logs = "(logs unavailable: " + e + ")";
    }
    String shown =
        logs.length() > MAX_CHARS_PER_COMPONENT
            ? "[... "
                + (logs.length() - MAX_CHARS_PER_COMPONENT)
                + " earlier characters cut ...]\n"
                + logs.substring(logs.length() - MAX_CHARS_PER_COMPONENT)
            : logs;
    return "===== logs of "
        + component.componentName()
        + " =====\n"
        + shown
        + (shown.endsWith("\n") ? "" : "\n")
        + "===== end of logs of "
        + component.componentName()
        + " =====";
  }

  private static List<ComponentLogs> componentsOf(ExtensionContext context) {
    Set<ComponentLogs> found = new LinkedHashSet<>();
    List<Object> instances =
        context.getTestInstances().map(i -> i.getAllInstances()).orElse(List.of());
    for (Object instance : instances) {
      collect(instance.getClass(), instance, found);
    }
    context.getTestClass().ifPresent(type -> collect(type, null, found));
    return new ArrayList<>(found);
  }

  private static void collect(Class<?> type, Object instance, Set<ComponentLogs> found) {
    for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
      for (Field field : c.getDeclaredFields()) {
        boolean isStatic = Modifier.isStatic(field.getModifiers());
        if (!ComponentLogs.class.isAssignableFrom(field.getType())
            || (!isStatic && instance == null)) {
          continue;
        }
        try {
          field.setAccessible(true);
          Object value = field.get(isStatic ? null : instance);
          if (value instanceof ComponentLogs component) {
            found.add(component);
          }
        } catch (ReflectiveOperationException | RuntimeException e) {
          System.err.println("cannot read test field " + field + " for its logs: " + e);
        }
      }
    }
  }
}
