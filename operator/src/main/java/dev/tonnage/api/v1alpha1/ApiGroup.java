package dev.tonnage.api.v1alpha1;

/** The API group and version of Tonnage's custom resources. */
public final class ApiGroup {
  public static final String GROUP = "tonnage.dev";
  public static final String VERSION = "v1alpha1";
  public static final String API_VERSION = GROUP + "/" + VERSION;
  public static final String CATEGORY = "tonnage";

  private ApiGroup() {}
}
