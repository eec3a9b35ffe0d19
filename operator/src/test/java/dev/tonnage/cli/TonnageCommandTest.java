package dev.tonnage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class TonnageCommandTest {

  @Test
  void aShortRunBuildsOnlyTheSubcommandItRuns() {
    assertThat(TonnageCommand.forArguments(new String[] {"inspect", "nginx"}).getSubcommands())
        .containsOnlyKeys("inspect");
    assertThat(TonnageCommand.forArguments(new String[] {"check", "--help"}).getSubcommands())
        .containsOnlyKeys("check");
    assertThat(TonnageCommand.forArguments(new String[] {"diff"}).getSubcommands())
        .containsOnlyKeys("diff");
  }

  @Test
  void everythingElseGetsEverySubcommand() {
    for (String[] args :
        new String[][] {{}, {"operator"}, {"help", "inspect"}, {"--help"}, {"inspectx"}}) {
      assertThat(TonnageCommand.forArguments(args).getSubcommands())
          .as(String.join(" ", args))
          .containsOnlyKeys("inspect", "check", "diff", "operator", "help");
    }
  }

  @Test
  void aShortRunAnswersHelpRequests() {
    CommandLine commandLine = TonnageCommand.forArguments(new String[] {"inspect", "--help"});
    StringWriter out = new StringWriter();
    commandLine.setOut(new PrintWriter(out));
    assertThat(commandLine.execute("inspect", "--help")).isZero();
    assertThat(out.toString()).startsWith("Usage: tonnage inspect");
  }

  @Test
  void everyShortRunPrintsTheVersion() {
    for (String command : new String[] {"inspect", "check", "diff"}) {
      CommandLine commandLine = TonnageCommand.forArguments(new String[] {command, "--version"});
      StringWriter out = new StringWriter();
      commandLine.setOut(new PrintWriter(out));
      assertThat(commandLine.execute(command, "--version")).isZero();
      assertThat(out.toString()).as(command).startsWith("tonnage ");
    }
  }

  @Test
  void theRootHelpListsEverySubcommand() {
    CommandLine commandLine = TonnageCommand.forArguments(new String[] {"--help"});
    StringWriter out = new StringWriter();
    commandLine.setOut(new PrintWriter(out));
    assertThat(commandLine.execute("--help")).isZero();
    assertThat(out.toString()).contains("inspect", "check", "diff", "operator", "help");
  }
}
