package dev.tonnage.cli;

import dev.tonnage.manifests.ManifestFiles;
import dev.tonnage.policy.CompiledPolicy;
import dev.tonnage.policy.InvalidPolicyException;
import dev.tonnage.policy.PolicyDocuments;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The policies of {@code --policy} arguments, read as {@code kubectl apply -f} reads its: a file
 * holds one or more documents; a directory stands for its {@code .yaml}, {@code .yml} and {@code
 * .json} files (not its subdirectories), in name order, and documents in it that are not Tonnage
 * resources are passed over. Every problem of every file is collected, each naming the file, the
 * line of its document, the policy and the field.
 */
final class PolicyFiles {

  /** A file larger than this is no policy file; it is refused rather than read. */
  static final long MAX_FILE_BYTES = 4L * 1024 * 1024;

  private PolicyFiles() {}

  /** The policies of {@code arguments}; what cannot be read is added to {@code problems}. */
  static List<CompiledPolicy> load(List<Path> arguments, List<String> problems) {
    List<CompiledPolicy> policies = new ArrayList<>();
    for (Path argument : arguments) {
      if (Files.isDirectory(argument)) {
        List<Path> files = ManifestFiles.in(argument, "policy", problems);
        int before = policies.size();
        int problemsBefore = problems.size();
        files.forEach(file -> policies.addAll(read(file, true, problems)));
        if (policies.size() == before && problems.size() == problemsBefore) {
          problems.add(
              argument
                  + ": holds no ClusterImagePolicy or ImagePolicy in a .yaml, .yml or .json file");
        }
      } else {
        policies.addAll(read(argument, false, problems));
      }
    }
    return policies;
  }

  private static List<CompiledPolicy> read(
      Path file, boolean othersAllowed, List<String> problems) {
    try {
      if (Files.size(file) > MAX_FILE_BYTES) {
        problems.add(file + ": is larger than " + MAX_FILE_BYTES / (1024 * 1024) + " MiB");
        return List.of();
      }
      return PolicyDocuments.parse(file.toString(), Files.readString(file), othersAllowed);
    } catch (InvalidPolicyException e) {
      problems.addAll(e.problems());
    } catch (MalformedInputException e) {
      problems.add(file + ": is not UTF-8 text");
    } catch (NoSuchFileException e) {
      problems.add(file + ": no such file or directory");
    } catch (IOException e) {
      problems.add(file + ": cannot be read: " + e.getMessage());
    }
    return List.of();
  }
}
