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

{{- define "tonnage.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{/*
Webhook objects. The operator finds the two configurations by these names (flags
--validating-webhook-configuration / --mutating-webhook-configuration) to keep their caBundle in step.
*/}}
{{- define "tonnage.serviceName" -}}
{{- include "tonnage.fullname" . }}
{{- end }}

{{- define "tonnage.validatingWebhookName" -}}
{{- printf "%s-validating" (include "tonnage.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "tonnage.mutatingWebhookName" -}}
{{- printf "%s-mutating" (include "tonnage.fullname" .) | trunc 63 | trimSuffix "-" }}
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
in-code exclusion of kube-system and its namespace, and the tonnage.dev/ignore label, still hold.
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

{{- define "tonnage.objectSelector" -}}
matchExpressions:
  - key: tonnage.dev/ignore
    operator: NotIn
    values: ["true"]
{{- with .Values.webhook.objectSelectorExpressions }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/*
The kinds the admission webhook reviews (DESIGN.md "Admission"), in every API version: CronJob is
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
The arguments of `tonnage operator`. Flag names: docs/configuration.md.
*/}}
{{- define "tonnage.args" -}}
- operator
- --namespace=$(POD_NAMESPACE)
- --webhook-port={{ .Values.webhook.port }}
- --metrics-port={{ .Values.metrics.port }}
- --log-format={{ .Values.operator.logFormat }}
- --log-level={{ .Values.operator.logLevel }}
- --leader-election={{ .Values.operator.leaderElection }}
- --leader-election-lease={{ include "tonnage.leaseName" . }}
- --audit-interval={{ .Values.operator.auditInterval }}
- --admission-budget={{ .Values.operator.admissionBudget }}
- --registry-timeout={{ .Values.registry.timeout }}
- --tag-ttl={{ .Values.registry.tagTtl }}
{{- if .Values.webhook.enabled }}
- --validating-webhook-configuration={{ include "tonnage.validatingWebhookName" . }}
{{- if .Values.webhook.mutating.enabled }}
- --mutating-webhook-configuration={{ include "tonnage.mutatingWebhookName" . }}
{{- end }}
{{- end }}
{{- if eq .Values.webhook.tls.mode "self-signed" }}
- --self-signed
- --tls-secret={{ include "tonnage.tlsSecretName" . }}
- --tls-dns-name={{ printf "%s.%s.svc" (include "tonnage.serviceName" .) .Release.Namespace }}
{{- else }}
- --tls-cert=/etc/tonnage/tls/tls.crt
- --tls-key=/etc/tonnage/tls/tls.key
{{- end }}
{{- range .Values.registry.insecure }}
- --insecure-registry={{ . }}
{{- end }}
{{- range $registry, $rate := .Values.registry.rateLimits }}
- --registry-rate-limit={{ $registry }}={{ $rate }}
{{- end }}
{{- range .Values.registry.caBundle.keys }}
- --ca-file=/etc/tonnage/ca/{{ . }}
{{- end }}
{{- if .Values.registry.credentialsSecret }}
- --docker-config=/etc/tonnage/docker
{{- end }}
- --read-pull-secrets={{ .Values.imagePullSecrets.read }}
{{- range .Values.operator.extraArgs }}
- {{ . | quote }}
{{- end }}
{{- end }}
