{{/* Sidecar: the proxy only knows (and may only reach) the services this one calls. */}}

{{/*
The egress host (`<ns>/<svc>.<ns>.svc.cluster.local`) of tracing.endpoint when the collector is a
Service of the cluster outside istio-system (`<svc>.<ns>`, `<svc>.<ns>.svc[.cluster.local]`); empty
otherwise: istio-system is always reachable, and a collector outside the cluster needs a ServiceEntry
and sidecar.extraEgressHosts.
Usage: {{ include "mesh-service.sidecar.tracingHost" . }}
*/}}
{{- define "mesh-service.sidecar.tracingHost" -}}
{{- with .Values.tracing.endpoint -}}
{{- $host := regexReplaceAll ":[0-9]+$" (urlParse .).host "" -}}
{{- $labels := splitList "." $host -}}
{{- if and (ge (len $labels) 2) (or (eq (len $labels) 2) (hasSuffix ".svc" $host) (hasSuffix ".svc.cluster.local" $host)) -}}
{{- $namespace := index $labels 1 -}}
{{- if ne $namespace "istio-system" -}}
{{- printf "%s/%s.%s.svc.cluster.local" $namespace (index $labels 0) $namespace -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/*
Sidecar `default` for the namespace: egress to each called service, istio-system (Jaeger, Istio), the
tracing collector and sidecar.extraEgressHosts.
Usage: {{ include "mesh-service.sidecar.render" . }}
*/}}
{{- define "mesh-service.sidecar.render" -}}
{{- $entry := include "mesh-service.names.catalogEntry" . | fromJson -}}
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata:
  name: default
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "mesh-service.labels.standard" . | nindent 4 }}
spec:
  egress:
    - hosts:
        - "istio-system/*"
        {{- range $callee := keys $entry.calls | sortAlpha }}
        - {{ printf "%s/%s" $callee (include "mesh-service.names.host" $callee) | quote }}
        {{- end }}
        {{- with include "mesh-service.sidecar.tracingHost" . }}
        - {{ . | quote }}
        {{- end }}
        {{- range .Values.sidecar.extraEgressHosts }}
        - {{ . | quote }}
        {{- end }}
  outboundTrafficPolicy:
    mode: {{ .Values.sidecar.outboundTrafficPolicy }}
{{- end -}}
