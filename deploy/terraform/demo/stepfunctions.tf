# ---------------------------------------------------------------------------------------------------------------------
# Step Functions: the two state machines of deploy/stepfunctions (platform run, learning). Their definitions are plain
# Amazon States Language with literal placeholder ARNs (account 123456789012, region eu-west-2; REFERENCES.md there);
# here each placeholder, quotes included, is replaced with the JSON string of the real value. The role comes from core
# (demo manages no IAM). Standard workflows bill per state transition only: nothing at rest.
# ---------------------------------------------------------------------------------------------------------------------

locals {
  # The placeholders of deploy/stepfunctions/*.asl.json and what each becomes. Each is replaced as a whole JSON string
  # (jsonencode: quotes included), so no placeholder can match inside a longer string; the subnet ids sit in the
  # Subnets arrays and are replaced one by one.
  asl_placeholders = {
    cluster       = "arn:aws:ecs:eu-west-2:123456789012:cluster/fraud-platform-demo"
    orchestrator  = "arn:aws:ecs:eu-west-2:123456789012:task-definition/fraud-platform-orchestrator"
    subnet_0      = "subnet-0123456789abcdef0"
    subnet_1      = "subnet-0fedcba9876543210"
    securitygroup = "sg-0123456789abcdef0"
  }

  asl_values = {
    cluster       = aws_ecs_cluster.demo.arn
    orchestrator  = aws_ecs_task_definition.role["orchestrator"].arn_without_revision # latest ACTIVE revision
    subnet_0      = aws_subnet.public[0].id
    subnet_1      = aws_subnet.public[1].id
    securitygroup = aws_security_group.tasks.id # egress to Kafka, RDS, Redis, S3; 8081 to the gate (network.tf)
  }

  state_machines = {
    "fraud-platform-platform-run" = "platform_run.asl.json"
    "fraud-platform-learning"     = "learning.asl.json"
  }

  # One replace() per placeholder (Terraform has no fold over a map).
  state_machine_definitions = {
    for name, asl in local.state_machines : name => replace(
      replace(
        replace(
          replace(
            replace(
              file("${path.module}/../../stepfunctions/${asl}"),
              jsonencode(local.asl_placeholders.cluster), jsonencode(local.asl_values.cluster)
            ),
            jsonencode(local.asl_placeholders.orchestrator), jsonencode(local.asl_values.orchestrator)
          ),
          jsonencode(local.asl_placeholders.subnet_0), jsonencode(local.asl_values.subnet_0)
        ),
        jsonencode(local.asl_placeholders.subnet_1), jsonencode(local.asl_values.subnet_1)
      ),
      jsonencode(local.asl_placeholders.securitygroup), jsonencode(local.asl_values.securitygroup)
    )
  }
}

resource "aws_sfn_state_machine" "demo" {
  for_each = local.state_machines

  name       = each.key
  type       = "STANDARD"
  role_arn   = local.core.step_functions_role_arn
  definition = local.state_machine_definitions[each.key]

  # Off: delivering execution logs to CloudWatch Logs needs logs:*LogDelivery* actions that take no resource-level
  # permissions (resource "*", which POLICIES.md P16 does not allow for them). Executions keep their history in
  # Step Functions (90 days), and every task logs to the runs group itself.
  logging_configuration {
    level = "OFF"
  }

  tags = local.tags

  lifecycle {
    precondition {
      condition = alltrue([
        for p in concat(values(local.asl_placeholders), ["123456789012"]) :
        !strcontains(local.state_machine_definitions[each.key], p)
      ]) && can(jsondecode(local.state_machine_definitions[each.key]))
      error_message = "A placeholder of deploy/stepfunctions/${each.value} was left unreplaced (see REFERENCES.md there), or the result is not JSON."
    }
  }
}
