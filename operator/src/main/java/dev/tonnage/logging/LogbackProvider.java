package dev.tonnage.logging;

import ch.qos.logback.classic.ClassicConstants;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LogbackServiceProvider;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.joran.spi.JoranException;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.Reporter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * slf4j's binding for the {@code tonnage} process: logback, set up by Tonnage rather than by
 * logback's auto-configuration, which looks for configurators (a service lookup) and for {@code
 * logback.xml} on the class path and so reads every jar of it (about 0.09 s of each CLI run over
 * 123 jars). Until the command configures its own ({@link ConsoleLogging}), warnings go to stderr,
 * never into the stdout a CLI result uses. With {@code -Dlogback.configurationFile} logback
 * configures itself as usual.
 *
 * <p>{@link #install} names it in slf4j's {@code slf4j.provider} property, which also spares slf4j
 * its own service lookup; tests and other embedders keep slf4j's discovery.
 */
public final class LogbackProvider implements SLF4JServiceProvider {
  private static final String PROVIDER = "slf4j.provider";

  private final LoggerContext context = new LoggerContext();
  private final IMarkerFactory markers = new BasicMarkerFactory();
  private final LogbackMDCAdapter mdc = new LogbackMDCAdapter();

  /**
   * Makes this slf4j's provider for the process, unless one was named already. Call before the
   * first logger is made. slf4j notes a named provider at INFO on stderr; its own notices are then
   * shown from WARN up (unless {@code slf4j.internal.verbosity} says otherwise).
   */
  public static void install() {
    if (System.getProperty(PROVIDER) == null) {
      if (System.getProperty(Reporter.SLF4J_INTERNAL_VERBOSITY_KEY) == null) {
        System.setProperty(Reporter.SLF4J_INTERNAL_VERBOSITY_KEY, "WARN");
      }
      System.setProperty(PROVIDER, LogbackProvider.class.getName());
    }
  }

  @Override
  public void initialize() {
    context.setName("default");
    context.setMDCAdapter(mdc);
    if (System.getProperty(ClassicConstants.CONFIG_FILE_PROPERTY) != null) {
      try {
        new ContextInitializer(context).autoConfig();
      } catch (JoranException e) {
        Reporter.error("Failed to configure logback from its configuration file", e);
      }
    } else {
      ConsoleLogging.text(
          context, ConsoleLogging.Target.STDERR, ConsoleLogging.PLAIN_PATTERN, Level.WARN);
    }
    context.start();
  }

  @Override
  public ILoggerFactory getLoggerFactory() {
    return context;
  }

  @Override
  public IMarkerFactory getMarkerFactory() {
    return markers;
  }

  @Override
  public MDCAdapter getMDCAdapter() {
    return mdc;
  }

  @Override
  public String getRequestedApiVersion() {
    return LogbackServiceProvider.REQUESTED_API_VERSION;
  }
}
