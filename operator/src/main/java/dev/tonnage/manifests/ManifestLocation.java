package dev.tonnage.manifests;

/**
 * Where a checked container is: the manifest file, document and line, the object and the container.
 * Findings carry it so that every output format can point at the manifest.
 *
 * @param source the file as given, or {@value ManifestReader#STDIN_NAME}
 * @param document the document's 1-based index in the source
 * @param line the 1-based line the document starts on
 * @param kind the object's kind, e.g. Deployment
 * @param namespace the namespace it is checked in
 * @param name the object's name
 * @param container the container's name
 */
public record ManifestLocation(
    String source,
    int document,
    int line,
    String kind,
    String namespace,
    String name,
    String container) {

  /** Whether the source is a file (not standard input), so formats may name it as one. */
  public boolean inFile() {
    return !ManifestReader.STDIN_NAME.equals(source);
  }

  /** {@code Deployment shop/web}. */
  public String object() {
    return kind + " " + namespace + "/" + name;
  }

  /** {@code Deployment shop/web container app}. */
  public String objectAndContainer() {
    return object() + " container " + container;
  }

  /** {@code deploy.yaml:12 (document 2)}. */
  public String place() {
    return source + ":" + line + " (document " + document + ")";
  }
}
