output "cluster" {
  description = "The ECS cluster."
  value       = aws_ecs_cluster.demo.name
}

output "services" {
  description = "ECS service name per role."
  value       = { for k, s in aws_ecs_service.role : k => s.name }
}

output "task_definitions" {
  description = "Task definition ARN per role and for the orchestrator (families fraud-platform-<role>, one container fp)."
  value       = { for k, t in aws_ecs_task_definition.role : k => t.arn }
}

output "subnets" {
  description = "Public subnets for aws ecs run-task."
  value       = aws_subnet.public[*].id
}

output "task_security_group" {
  description = "Security group for aws ecs run-task."
  value       = aws_security_group.tasks.id
}

output "kafka_bootstrap" {
  description = "FP_KAFKA_BOOTSTRAP of the tasks."
  value       = local.kafka_bootstrap
}

output "pg_url" {
  description = "FP_PG_URL of the tasks (no password in it)."
  value       = local.pg_url
}

output "redis_url" {
  description = "FP_REDIS_URL of the tasks."
  value       = local.redis_url
}

output "gate_url_inside_vpc" {
  description = "FP_GATE_URL of the orchestrator task (Cloud Map name of the gate's task)."
  value       = local.gate_url
}

output "how_to_reach_the_gate" {
  description = "There is no load balancer: the gate is reached on its task's public IP from operator_cidr, or through ECS Exec port forwarding."
  value       = <<-EOT
    Public IP (from ${var.operator_cidr} only):
      TASK=$(aws ecs list-tasks --cluster ${aws_ecs_cluster.demo.name} --service-name ${aws_ecs_service.role["ig"].name} --query 'taskArns[0]' --output text)
      ENI=$(aws ecs describe-tasks --cluster ${aws_ecs_cluster.demo.name} --tasks $TASK \
        --query "tasks[0].attachments[0].details[?name=='networkInterfaceId'].value" --output text)
      IP=$(aws ec2 describe-network-interfaces --network-interface-ids $ENI \
        --query 'NetworkInterfaces[0].Association.PublicIp' --output text)
      curl http://$IP:${var.gate_port}/
    SSM port forwarding (nothing open to the internet; reaches 127.0.0.1 inside the task):
      RUNTIME=$(aws ecs describe-tasks --cluster ${aws_ecs_cluster.demo.name} --tasks $TASK \
        --query 'tasks[0].containers[0].runtimeId' --output text)
      aws ssm start-session --target ecs:${aws_ecs_cluster.demo.name}_$${TASK##*/}_$RUNTIME \
        --document-name AWS-StartPortForwardingSession --parameters portNumber=${var.gate_port},localPortNumber=${var.gate_port}
      curl http://127.0.0.1:${var.gate_port}/
    The console is the same with --service-name ${aws_ecs_service.role["cm"].name} and port ${var.console_port}.
  EOT
}

output "run_task_example" {
  description = "How to start a one-shot orchestrator command (here fp run)."
  value       = <<-EOT
    aws ecs run-task --cluster ${aws_ecs_cluster.demo.name} --launch-type FARGATE \
      --task-definition ${aws_ecs_task_definition.role["orchestrator"].family} \
      --network-configuration 'awsvpcConfiguration={subnets=[${join(",", aws_subnet.public[*].id)}],securityGroups=[${aws_security_group.tasks.id}],assignPublicIp=ENABLED}' \
      --overrides '{"containerOverrides":[{"name":"fp","command":["--profile","dev_min","run","--world","W","--bundle","B"]}]}'
  EOT
}

output "state_machines" {
  description = "State machine ARN by name: fraud-platform-platform-run, fraud-platform-learning."
  value       = { for k, m in aws_sfn_state_machine.demo : k => m.arn }
}

output "start_run_example" {
  description = "How to start a platform run through its state machine (the learning one takes {\"run_id\": R})."
  value       = <<-EOT
    aws stepfunctions start-execution --state-machine-arn ${aws_sfn_state_machine.demo["fraud-platform-platform-run"].arn} \
      --name R --input '{"world":"W","bundle":"B","run_id":"R","run_drills":false}'
  EOT
}
