# A small VPC with two public subnets and no NAT gateway, no load balancer. Tasks get public IPs to reach ECR, CloudWatch
# Logs, SSM and Confluent Cloud through the internet gateway; S3 goes through a gateway endpoint (free). RDS, Redis and
# MSK sit in the same subnets without public addresses, reachable only from the tasks' security group.

resource "aws_vpc" "demo" {
  cidr_block           = var.vpc_cidr
  enable_dns_support   = true
  enable_dns_hostnames = true
  tags                 = merge(local.tags, { Name = "${local.name}-demo" })
}

resource "aws_internet_gateway" "demo" {
  vpc_id = aws_vpc.demo.id
  tags   = merge(local.tags, { Name = "${local.name}-demo" })
}

resource "aws_subnet" "public" {
  count = 2

  vpc_id                  = aws_vpc.demo.id
  availability_zone       = data.aws_availability_zones.available.names[count.index]
  cidr_block              = cidrsubnet(var.vpc_cidr, 8, count.index)
  map_public_ip_on_launch = false # tasks ask for one (assign_public_ip); the data stores get none
  tags                    = merge(local.tags, { Name = "${local.name}-public-${count.index}" })
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.demo.id
  tags   = merge(local.tags, { Name = "${local.name}-public" })
}

resource "aws_route" "internet" {
  route_table_id         = aws_route_table.public.id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = aws_internet_gateway.demo.id
}

resource "aws_route_table_association" "public" {
  count = 2

  subnet_id      = aws_subnet.public[count.index].id
  route_table_id = aws_route_table.public.id
}

resource "aws_vpc_endpoint" "s3" {
  vpc_id            = aws_vpc.demo.id
  service_name      = "com.amazonaws.${var.region}.s3"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = [aws_route_table.public.id]
  tags              = merge(local.tags, { Name = "${local.name}-s3" })
}

# ---------------------------------------------------------------------------------------------------------------------
# Security groups
# ---------------------------------------------------------------------------------------------------------------------

resource "aws_security_group" "tasks" {
  name        = "${local.name}-tasks"
  description = "fraud-platform tasks: the gate and the console from the operator only; all egress"
  vpc_id      = aws_vpc.demo.id
  tags        = local.tags
}

resource "aws_vpc_security_group_ingress_rule" "gate_from_operator" {
  security_group_id = aws_security_group.tasks.id
  description       = "gate from the operator"
  ip_protocol       = "tcp"
  from_port         = var.gate_port
  to_port           = var.gate_port
  cidr_ipv4         = var.operator_cidr
  tags              = local.tags
}

resource "aws_vpc_security_group_ingress_rule" "console_from_operator" {
  security_group_id = aws_security_group.tasks.id
  description       = "investigator console from the operator"
  ip_protocol       = "tcp"
  from_port         = var.console_port
  to_port           = var.console_port
  cidr_ipv4         = var.operator_cidr
  tags              = local.tags
}

# The orchestrator's one-shot task streams a world into the gate over the VPC.
resource "aws_vpc_security_group_ingress_rule" "gate_from_tasks" {
  security_group_id            = aws_security_group.tasks.id
  description                  = "gate from the orchestrator task"
  ip_protocol                  = "tcp"
  from_port                    = var.gate_port
  to_port                      = var.gate_port
  referenced_security_group_id = aws_security_group.tasks.id
  tags                         = local.tags
}

resource "aws_vpc_security_group_egress_rule" "tasks_all" {
  security_group_id = aws_security_group.tasks.id
  description       = "ECR, S3, logs, SSM, Kafka, RDS, Redis"
  ip_protocol       = "-1"
  cidr_ipv4         = "0.0.0.0/0"
  tags              = local.tags
}

resource "aws_security_group" "db" {
  name        = "${local.name}-db"
  description = "fraud-platform PostgreSQL: 5432 from the tasks only"
  vpc_id      = aws_vpc.demo.id
  tags        = local.tags
}

resource "aws_vpc_security_group_ingress_rule" "db_from_tasks" {
  security_group_id            = aws_security_group.db.id
  description                  = "PostgreSQL from the tasks"
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  referenced_security_group_id = aws_security_group.tasks.id
  tags                         = local.tags
}

resource "aws_security_group" "redis" {
  name        = "${local.name}-redis"
  description = "fraud-platform Redis: 6379 from the tasks only"
  vpc_id      = aws_vpc.demo.id
  tags        = local.tags
}

resource "aws_vpc_security_group_ingress_rule" "redis_from_tasks" {
  security_group_id            = aws_security_group.redis.id
  description                  = "Redis from the tasks"
  ip_protocol                  = "tcp"
  from_port                    = 6379
  to_port                      = 6379
  referenced_security_group_id = aws_security_group.tasks.id
  tags                         = local.tags
}

resource "aws_security_group" "kafka" {
  count = local.use_msk ? 1 : 0

  name        = "${local.name}-kafka"
  description = "fraud-platform MSK Serverless: 9098 (SASL/IAM) from the tasks only"
  vpc_id      = aws_vpc.demo.id
  tags        = local.tags
}

resource "aws_vpc_security_group_ingress_rule" "kafka_from_tasks" {
  count = local.use_msk ? 1 : 0

  security_group_id            = aws_security_group.kafka[0].id
  description                  = "Kafka SASL/IAM from the tasks"
  ip_protocol                  = "tcp"
  from_port                    = 9098
  to_port                      = 9098
  referenced_security_group_id = aws_security_group.tasks.id
  tags                         = local.tags
}
