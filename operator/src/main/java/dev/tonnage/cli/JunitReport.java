package dev.tonnage.cli;

import dev.tonnage.api.v1alpha1.PolicyAction;
import dev.tonnage.policy.PolicyVerdict;
import dev.tonnage.policy.SkippedPolicy;
import dev.tonnage.policy.UnavailableFacts;
import dev.tonnage.policy.Violation;
import java.io.StringWriter;
import java.util.List;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * {@code tonnage check --output junit}: JUnit XML as CI servers read it, a testsuite per image and
 * a testcase per image and policy. A broken Enforce or Warn policy is a failure, unreadable facts
 * an error, an uncertain verdict a failure too (it is never a pass); Audit policies and skipped
 * policies are skipped testcases. The JDK's XML writer escapes; characters XML 1.0 cannot carry are
 * dropped.
 */
final class JunitReport {

  private final CheckReport report;

  JunitReport(CheckReport report) {
    this.report = report;
  }

  String render() {
    StringWriter text = new StringWriter();
    try {
      XMLStreamWriter xml = XMLOutputFactory.newFactory().createXMLStreamWriter(text);
      xml.writeStartDocument("UTF-8", "1.0");
      xml.writeCharacters("\n");
      xml.writeStartElement("testsuites");
      xml.writeAttribute("name", "tonnage check");
      xml.writeAttribute("tests", Integer.toString(count(report.results(), Count.TESTS)));
      xml.writeAttribute("failures", Integer.toString(count(report.results(), Count.FAILURES)));
      xml.writeAttribute("errors", Integer.toString(count(report.results(), Count.ERRORS)));
      for (CheckReport.ImageResult image : report.results()) {
        suite(xml, image);
      }
      xml.writeEndElement();
      xml.writeEndDocument();
      xml.close();
    } catch (XMLStreamException e) {
      throw new IllegalStateException("writing XML to a string cannot fail", e);
    }
    return text + "\n";
  }

  private static void suite(XMLStreamWriter xml, CheckReport.ImageResult image)
      throws XMLStreamException {
    List<CheckReport.ImageResult> one = List.of(image);
    xml.writeCharacters("\n  ");
    xml.writeStartElement("testsuite");
    xml.writeAttribute("name", clean(image.objectPrefix() + image.reference()));
    xml.writeAttribute("tests", Integer.toString(count(one, Count.TESTS)));
    xml.writeAttribute("failures", Integer.toString(count(one, Count.FAILURES)));
    xml.writeAttribute("errors", Integer.toString(count(one, Count.ERRORS)));
    xml.writeAttribute("skipped", Integer.toString(count(one, Count.SKIPPED)));
    for (PolicyVerdict verdict : image.evaluation().verdicts()) {
      testcase(xml, image, verdict.policy().toString());
      String status = CheckReport.status(verdict);
      if (verdict.action() == PolicyAction.AUDIT && !status.equals("pass")) {
        element(xml, "skipped", "Audit policy: " + status, details(verdict));
      } else if (status.equals("error")) {
        element(xml, "error", "facts unavailable", details(verdict));
      } else if (status.equals("fail") || status.equals("uncertain")) {
        element(xml, "failure", status, details(verdict));
      }
      xml.writeEndElement();
    }
    for (SkippedPolicy skipped : image.evaluation().skipped()) {
      testcase(xml, image, skipped.policy().toString());
      element(xml, "skipped", skipped.reason(), null);
      xml.writeEndElement();
    }
    xml.writeCharacters("\n  ");
    xml.writeEndElement();
  }

  private static void testcase(XMLStreamWriter xml, CheckReport.ImageResult image, String name)
      throws XMLStreamException {
    xml.writeCharacters("\n    ");
    xml.writeStartElement("testcase");
    xml.writeAttribute("classname", clean(image.objectPrefix() + image.reference()));
    xml.writeAttribute("name", clean(image.objectPrefix() + name));
  }

  private static void element(XMLStreamWriter xml, String name, String message, String body)
      throws XMLStreamException {
    xml.writeStartElement(name);
    xml.writeAttribute("message", clean(message));
    if (body != null) {
      xml.writeCharacters(clean(body));
    }
    xml.writeEndElement();
  }

  private static String details(PolicyVerdict verdict) {
    StringBuilder out = new StringBuilder();
    for (Violation v : verdict.violations()) {
      out.append(v.platform())
          .append(' ')
          .append(v.rule())
          .append(v.uncertain() ? " (uncertain)" : "")
          .append(": ")
          .append(v.message());
      if (v.remedy() != null) {
        out.append(" Fix: ").append(v.remedy());
      }
      out.append('\n');
    }
    for (UnavailableFacts u : verdict.unavailable()) {
      out.append(u.reason()).append(": ").append(u.message()).append('\n');
    }
    return out.toString();
  }

  private enum Count {
    TESTS,
    FAILURES,
    ERRORS,
    SKIPPED
  }

  private static int count(List<CheckReport.ImageResult> images, Count what) {
    int n = 0;
    for (CheckReport.ImageResult image : images) {
      if (what == Count.TESTS) {
        n += image.evaluation().verdicts().size() + image.evaluation().skipped().size();
        continue;
      }
      if (what == Count.SKIPPED) {
        n += image.evaluation().skipped().size();
      }
      for (PolicyVerdict verdict : image.evaluation().verdicts()) {
        String status = CheckReport.status(verdict);
        boolean audit = verdict.action() == PolicyAction.AUDIT;
        boolean counted =
            switch (what) {
              case FAILURES -> !audit && (status.equals("fail") || status.equals("uncertain"));
              case ERRORS -> !audit && status.equals("error");
              case SKIPPED -> audit && !status.equals("pass");
              case TESTS -> false;
            };
        n += counted ? 1 : 0;
      }
    }
    return n;
  }

  /** Drops the characters XML 1.0 cannot carry (control characters, lone surrogates). */
  static String clean(String text) {
    StringBuilder out = new StringBuilder(text.length());
    text.codePoints()
        .filter(
            c ->
                c == 0x9
                    || c == 0xA
                    || c == 0xD
                    || (c >= 0x20 && c <= 0xD7FF)
                    || (c >= 0xE000 && c <= 0xFFFD)
                    || (c >= 0x10000 && c <= 0x10FFFF))
        .forEach(out::appendCodePoint);
    return out.toString();
  }
}
