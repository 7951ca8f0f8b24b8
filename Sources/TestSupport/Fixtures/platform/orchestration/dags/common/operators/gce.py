from airflow.models import BaseOperator


class SSHGCEOperator(BaseOperator):
    """Runs `command` in `base_dir` on a Compute Engine instance, over SSH."""

    template_fields = ["command"]

    def __init__(self, instance_name: str, base_dir: str, command: str, **kwargs):
        super().__init__(**kwargs)
        self.instance_name = instance_name
        self.base_dir = base_dir
        self.command = command

    def execute(self, context):
        return f"cd {self.base_dir} && {self.command}"
