{{/* Prometheus scraping: pod annotations (Istio merges them on its agent port) and an optional ServiceMonitor. */}}

{{/*
Pod annotations for annotation-based scraping; with Istio metrics merging the agent serves the app's
/metrics on :15020 in plaintext, so scrapes need no mTLS exception.
Usage: {{ include "mesh-service.servicemonitor.scrapeAnnotations" . | nindent 8 }}
*/}}
{{- define "mesh-service.servicemonitor.scrapeAnnotations" -}}
{{- $entry := include "mesh-service.names.catalogEntry" . | fromJson -}}
prometheus.io/scrape: "true"
prometheus.io/port: {{ $entry.adminPort | quote }}
prometheus.io/path: /metrics
{{- end -}}

{{/*
ServiceMonitor `<service>` for the Prometheus Operator; rendered only when its CRD is installed and
metrics.serviceMonitor.enabled. It scrapes http-admin over Istio mTLS with the certificates the
Istio docs have Prometheus mount, and copies the pod's track label onto every series.
Usage: {{ include "mesh-service.servicemonitor.render" . }}
*/}}
{{- define "mesh-service.servicemonitor.render" -}}
{{- if and .Values.metrics.serviceMonitor.enabled (.Capabilities.APIVersions.Has "monitoring.coreos.com/v1/ServiceMonitor") -}}
{{- $certs := .Values.metrics.serviceMonitor.istioCertsDir -}}
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: {{ include "mesh-service.names.service" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "mesh-service.labels.standard" . | nindent 4 }}
spec:
  selector:
    matchLabels:
      app: {{ include "mesh-service.names.service" . }}
  namespaceSelector:
    matchNames: [{{ .Release.Namespace }}]
  endpoints:
    - port: http-admin
      path: /metrics
      interval: {{ .Values.metrics.serviceMonitor.interval }}
      scheme: https
      tlsConfig:
        caFile: {{ printf "%s/root-cert.pem" $certs }}
        certFile: {{ printf "%s/cert-chain.pem" $certs }}
        keyFile: {{ printf "%s/key.pem" $certs }}
        insecureSkipVerify: true
      relabelings:
        - sourceLabels: [__meta_kubernetes_pod_label_track]
          targetLabel: track
        - sourceLabels: [__meta_kubernetes_pod_label_version]
          targetLabel: version
{{- end -}}
{{- end -}}
