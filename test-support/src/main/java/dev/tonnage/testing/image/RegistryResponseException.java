package dev.tonnage.testing.image;

/** The registry answered a fixture's request with an unexpected status. */
public final class RegistryResponseException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final int status;
  private final String body;

  public RegistryResponseException(String request, int status, String body) {
    super(request + " answered HTTP " + status + ": " + body);
    this.status = status;
    this.body = body;
  }

  public int status() {
    return status;
  }

  public String body() {
    return body;
  }
}
