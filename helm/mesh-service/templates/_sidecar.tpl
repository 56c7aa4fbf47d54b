{{/* Sidecar: the proxy only knows (and may only reach) the services this one calls. */}}

{{/*
Sidecar `default` for the namespace: egress to each called service, istio-system and sidecar.extraEgressHosts.
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
        {{- range .Values.sidecar.extraEgressHosts }}
        - {{ . | quote }}
        {{- end }}
  outboundTrafficPolicy:
    mode: {{ .Values.sidecar.outboundTrafficPolicy }}
{{- end -}}
