"""The use cases by domain, shared by the CLI and the app: functions of a Session."""
