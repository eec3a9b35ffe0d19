{{/*
Naming. Names are capped at 63 characters (DNS label) and never end with a dash.
*/}}
{{- define "tonnage.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "tonnage.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "tonnage.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Labels. Selector labels are immutable on a Deployment: keep them to name + instance.
*/}}
{{- define "tonnage.selectorLabels" -}}
app.kubernetes.io/name: {{ include "tonnage.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "tonnage.labels" -}}
helm.sh/chart: {{ include "tonnage.chart" . }}
{{ include "tonnage.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: tonnage
{{- end }}

{{- define "tonnage.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "tonnage.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
The operator image. No image is published, so the chart refuses to render a Deployment whose image
nobody can pull (ImagePullBackOff, and with failurePolicy Ignore nothing enforced and nothing said).
The out-of-cluster form (webhook.url: the operator runs as a jar, docs/installation.md) needs no
image: its Deployment names the unpublished default and is meant to stay at replicaCount 0.
*/}}
{{- define "tonnage.image" -}}
{{- $repository := .Values.image.repository }}
{{- if not $repository }}
{{- if not .Values.webhook.url }}
{{- fail "image.repository is not set: no Tonnage image is published. Build and push one (image/build-image.sh REGISTRY/REPO:TAG, docs/installation.md \"The container image\"), then install with --set image.repository=REGISTRY/REPO --set image.tag=TAG" }}
{{- end }}
{{- $repository = "tonnage" }}
{{- end }}
{{- if .Values.image.digest }}
{{- printf "%s@%s" $repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" $repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{/*
Webhook objects. The operator finds the two configurations by these names, passed as
TONNAGE_VALIDATING_WEBHOOK_CONFIGURATION / TONNAGE_MUTATING_WEBHOOK_CONFIGURATION, to keep their
caBundle in step. They follow the chart name (nameOverride), not the release: by default
tonnage-validating and tonnage-mutating, the operator's own defaults (webhook configurations are
cluster-wide: one Tonnage per cluster).
*/}}
{{- define "tonnage.serviceName" -}}
{{- include "tonnage.fullname" . }}
{{- end }}

{{- define "tonnage.validatingWebhookName" -}}
{{- printf "%s-validating" (include "tonnage.name" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "tonnage.mutatingWebhookName" -}}
{{- printf "%s-mutating" (include "tonnage.name" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "tonnage.tlsSecretName" -}}
{{- default (printf "%s-webhook-tls" (include "tonnage.fullname" .)) .Values.webhook.tls.secretName }}
{{- end }}

{{- define "tonnage.leaseName" -}}
{{- printf "%s-leader" (include "tonnage.fullname" .) }}
{{- end }}

{{- define "tonnage.certManagerIssuerName" -}}
{{- printf "%s-selfsigned" (include "tonnage.fullname" .) }}
{{- end }}

{{- define "tonnage.certManagerCaName" -}}
{{- printf "%s-ca" (include "tonnage.fullname" .) }}
{{- end }}

{{/*
The webhook's clientConfig: the in-cluster Service, or webhook.url for out-of-cluster runs.
Argument: (dict "ctx" $ "path" "/validate").
*/}}
{{- define "tonnage.webhookClientConfig" -}}
{{- $ctx := .ctx }}
{{- if $ctx.Values.webhook.url }}
url: {{ printf "%s%s" (trimSuffix "/" $ctx.Values.webhook.url) .path | quote }}
{{- else }}
service:
  name: {{ include "tonnage.serviceName" $ctx }}
  namespace: {{ $ctx.Release.Namespace }}
  path: {{ .path }}
  port: {{ $ctx.Values.webhook.servicePort }}
{{- end }}
{{- end }}

{{/*
Namespaces never reviewed. kubernetes.io/metadata.name is set automatically only from Kubernetes 1.21
on; on 1.20 the NotIn below matches every namespace (no label: NotIn is true), so the operator's own
in-code exclusion of kube-system and its namespace, and the tonnage.dev/ignore namespace label, still hold.
*/}}
{{- define "tonnage.namespaceSelector" -}}
{{- $excluded := concat (list "kube-system" .Release.Namespace) .Values.webhook.excludeNamespaces | uniq }}
matchExpressions:
  - key: tonnage.dev/ignore
    operator: NotIn
    values: ["true"]
  - key: kubernetes.io/metadata.name
    operator: NotIn
    values: {{ toJson $excluded }}
{{- with .Values.webhook.namespaceSelectorExpressions }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/*
No object can opt itself out (its author would exempt it): only the admin's expressions, if any.
*/}}
{{- define "tonnage.objectSelector" -}}
{{- with .Values.webhook.objectSelectorExpressions }}
matchExpressions:
{{ toYaml . }}
{{- else }}
{}
{{- end }}
{{- end }}

{{/*
The kinds the admission webhook reviews (docs/admission.md "What is checked"), in every API version: CronJob is
batch/v1beta1 only on Kubernetes 1.20. Same rules as the operator's --register-webhooks mode.
Argument: (dict "ephemeral" true|false).
*/}}
{{- define "tonnage.webhookRules" -}}
- apiGroups: [""]
  apiVersions: ["*"]
  operations: ["CREATE", "UPDATE"]
  resources: {{ if .ephemeral }}["pods", "pods/ephemeralcontainers", "replicationcontrollers"]{{ else }}["pods", "replicationcontrollers"]{{ end }}
  scope: Namespaced
- apiGroups: ["apps"]
  apiVersions: ["*"]
  operations: ["CREATE", "UPDATE"]
  resources: ["deployments", "replicasets", "statefulsets", "daemonsets"]
  scope: Namespaced
- apiGroups: ["batch"]
  apiVersions: ["*"]
  operations: ["CREATE", "UPDATE"]
  resources: ["jobs", "cronjobs"]
  scope: Namespaced
{{- end }}

{{/*
caBundle injection by cert-manager's cainjector.
*/}}
{{- define "tonnage.webhookAnnotations" -}}
{{- if eq .Values.webhook.tls.mode "cert-manager" }}
cert-manager.io/inject-ca-from: {{ printf "%s/%s" .Release.Namespace (include "tonnage.fullname" .) }}
{{- end }}
{{- end }}

{{/*
The settings of `tonnage operator`, as the environment variables every flag of it reads (TONNAGE_*,
docs/configuration.md): an environment variable the operator does not know is ignored, where an
unknown flag would stop it, so one chart fits operator versions that differ in the flags they have.
*/}}
{{- define "tonnage.env" -}}
- name: POD_NAMESPACE
  valueFrom:
    fieldRef:
      fieldPath: metadata.namespace
- name: POD_NAME
  valueFrom:
    fieldRef:
      fieldPath: metadata.name
- name: TONNAGE_NAMESPACE
  valueFrom:
    fieldRef:
      fieldPath: metadata.namespace
- name: TONNAGE_WEBHOOK_PORT
  value: {{ .Values.webhook.port | quote }}
- name: TONNAGE_METRICS_PORT
  value: {{ .Values.metrics.port | quote }}
- name: TONNAGE_FAILURE_POLICY
  value: {{ .Values.webhook.failurePolicy | quote }}
- name: TONNAGE_REVIEW_BUDGET
  value: {{ .Values.operator.admissionBudget | quote }}
{{- with .Values.webhook.excludeNamespaces }}
- name: TONNAGE_EXEMPT_NAMESPACES
  value: {{ join "," . | quote }}
{{- end }}
{{- with .Values.exceptions.namespaces }}
- name: TONNAGE_EXCEPTION_NAMESPACES
  value: {{ join "," . | quote }}
{{- end }}
- name: TONNAGE_WEBHOOK_SERVICE
  value: {{ include "tonnage.serviceName" . | quote }}
# Empty when the configuration is not rendered: the operator then leaves that name alone (the
# ClusterRole grants nothing on it).
- name: TONNAGE_VALIDATING_WEBHOOK_CONFIGURATION
  value: {{ ternary (include "tonnage.validatingWebhookName" .) "" .Values.webhook.enabled | quote }}
- name: TONNAGE_MUTATING_WEBHOOK_CONFIGURATION
  value: {{ ternary (include "tonnage.mutatingWebhookName" .) "" (and .Values.webhook.enabled .Values.webhook.mutating.enabled) | quote }}
{{- if .Values.webhook.url }}
# Out-of-cluster runs: the operator applies the same URL with its caBundle.
- name: TONNAGE_REGISTER_WEBHOOKS
  value: {{ trimSuffix "/" .Values.webhook.url | quote }}
{{- end }}
{{- if eq .Values.webhook.tls.mode "self-signed" }}
- name: TONNAGE_SELF_SIGNED
  value: "true"
- name: TONNAGE_CERT_SECRET
  value: {{ include "tonnage.tlsSecretName" . | quote }}
- name: TONNAGE_CERT_DIR
  value: /tmp/tonnage-webhook-certs
{{- else }}
- name: TONNAGE_TLS_CERT
  value: /etc/tonnage/tls/tls.crt
- name: TONNAGE_TLS_KEY
  value: /etc/tonnage/tls/tls.key
{{- end }}
- name: TONNAGE_LOG_FORMAT
  value: {{ .Values.operator.logFormat | quote }}
- name: TONNAGE_LOG_LEVEL
  value: {{ .Values.operator.logLevel | quote }}
- name: TONNAGE_VERBOSE
  value: {{ has .Values.operator.logLevel (list "DEBUG" "TRACE") | quote }}
- name: TONNAGE_LEADER_ELECTION
  value: {{ .Values.operator.leaderElection | quote }}
- name: TONNAGE_LEASE_NAME
  value: {{ include "tonnage.leaseName" . | quote }}
- name: TONNAGE_AUDIT_INTERVAL
  value: {{ .Values.operator.auditInterval | quote }}
- name: TONNAGE_REGISTRY_TIMEOUT
  value: {{ .Values.registry.timeout | quote }}
- name: TONNAGE_TAG_TTL
  value: {{ .Values.registry.tagTtl | quote }}
- name: TONNAGE_STALE_IF_ERROR
  value: {{ .Values.registry.staleIfError | quote }}
{{- with .Values.registry.cloudIdentities }}
- name: TONNAGE_CLOUD_IDENTITIES
  value: {{ join "," . | quote }}
{{- end }}
{{- with .Values.registry.insecure }}
- name: TONNAGE_INSECURE_REGISTRIES
  value: {{ join "," . | quote }}
{{- end }}
{{- with .Values.registry.caBundle.keys }}
- name: TONNAGE_CA_FILES
  {{- $files := list }}
  {{- range . }}{{ $files = append $files (printf "/etc/tonnage/ca/%s" .) }}{{ end }}
  value: {{ join "," $files | quote }}
{{- end }}
{{- with .Values.registry.mirrors }}
- name: TONNAGE_REGISTRY_MIRRORS
  {{- $mirrors := list }}
  {{- range $registry := keys . | sortAlpha }}{{ range $url := index $.Values.registry.mirrors $registry }}{{ $mirrors = append $mirrors (printf "%s=%s" $registry $url) }}{{ end }}{{ end }}
  value: {{ join "," $mirrors | quote }}
{{- end }}
{{- with .Values.registry.rateLimits }}
- name: TONNAGE_REGISTRY_RATE_LIMITS
  {{- $limits := list }}
  {{- range $registry := keys . | sortAlpha }}{{ $limits = append $limits (printf "%s=%v" $registry (index $.Values.registry.rateLimits $registry)) }}{{ end }}
  value: {{ join "," $limits | quote }}
{{- end }}
{{- if .Values.registry.credentialsSecret }}
- name: TONNAGE_DOCKER_CONFIG
  value: /etc/tonnage/docker/config.json
{{- end }}
{{- include "tonnage.proxyEnv" . }}
- name: TONNAGE_READ_PULL_SECRETS
  value: {{ .Values.imagePullSecrets.read | quote }}
{{- if eq .Values.imagePullSecrets.read "namespaced" }}
- name: TONNAGE_PULL_SECRET_NAMESPACES
  value: {{ join "," .Values.imagePullSecrets.namespaces | quote }}
{{- end }}
- name: TONNAGE_POLICY_REPORTS
  value: {{ .Values.policyReports.enabled | quote }}
- name: JAVA_TOOL_OPTIONS
  value: {{ .Values.operator.javaOptions | quote }}
{{- end }}


{{/*
Proxy variables, read by the registry client and the Kubernetes client alike; the API server
(KUBERNETES_SERVICE_HOST, expanded by the kubelet) always stays direct.
*/}}
{{- define "tonnage.proxyEnv" -}}
{{- $proxy := .Values.proxy }}
{{- if $proxy.existingSecret }}
{{- range $name := list "HTTPS_PROXY" "HTTP_PROXY" }}
- name: {{ $name }}
  valueFrom:
    secretKeyRef:
      name: {{ $proxy.existingSecret | quote }}
      key: {{ $name }}
      optional: true
{{- end }}
{{- else }}
{{- with $proxy.httpsProxy }}
- name: HTTPS_PROXY
  value: {{ . | quote }}
{{- end }}
{{- with $proxy.httpProxy }}
- name: HTTP_PROXY
  value: {{ . | quote }}
{{- end }}
{{- end }}
{{- if or $proxy.existingSecret $proxy.httpsProxy $proxy.httpProxy }}
- name: NO_PROXY
  value: {{ join "," (compact (list $proxy.noProxy "$(KUBERNETES_SERVICE_HOST)")) | quote }}
{{- end }}
{{- end }}
