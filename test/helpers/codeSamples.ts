// Realistic small files, one per supported language, with the lines tests and benchmarks poke at.
// Each new language's sample also has its whole outline spelled out in test/unit/code/languageOutlines.test.ts.
import type { SymbolKind } from '../../src/core/code/symbolParser.ts';


export interface CodeSample {
  path: string;
  text: string;
  /** A line inside a method (or a function, where the language has no classes), and what encloses it. */
  inMethod: { marker: string; name: string; container?: string; kind: SymbolKind };
  /** Two adjacent top-level functions (or methods) a single hunk can span. */
  span: { from: string; to: string; names: [string, string] };
  /** A whole function to add at the end, and its name. */
  added: { text: string; name: string };
}

export const typescriptSample: CodeSample = {
  path: 'src/service/orderService.ts',
  text: `import type { Order } from './order.ts';
import { logger } from '../log.ts';

export const MAX_RETRIES = 3;

export interface Repository<T> {
  find(id: string): Promise<T | undefined>;
  save(item: T): Promise<void>;
}

@injectable()
export class OrderService {
  private readonly cache = new Map<string, Order>();

  constructor(private readonly repo: Repository<Order>) {}

  async place(order: Order): Promise<void> {
    if (order.items.length === 0) {
      throw new Error('empty order');
    }
    this.cache.set(order.id, order);
    await this.repo.save(order);
  }

  cancel = async (id: string): Promise<boolean> => {
    const order = await this.repo.find(id);
    return order !== undefined;
  };
}

export function totalOf(order: Order): number {
  return order.items.reduce((sum, item) => sum + item.price, 0);
}

export function describeOrder(order: Order): string {
  return \`\${order.id}: \${totalOf(order)}\`;
}

export const formatPrice = (cents: number): string => {
  return (cents / 100).toFixed(2);
};
`,
  inMethod: { marker: "throw new Error('empty order')", name: 'place', container: 'OrderService', kind: 'method' },
  span: { from: 'return order.items.reduce', to: 'return `${order.id}', names: ['totalOf', 'describeOrder'] },
  added: { text: 'export function refund(order: Order): void {\n  logger.info(order.id);\n}\n', name: 'refund' },
};

export const tsxSample: CodeSample = {
  path: 'web/components/OrderList.tsx',
  text: `import React, { useState } from 'react';

type Props = { orders: string[]; onPick: (id: string) => void };

export const OrderList = ({ orders, onPick }: Props) => {
  const [open, setOpen] = useState(false);
  return (
    <ul className="orders">
      {orders.map((id) => (
        <li key={id} onClick={() => onPick(id)}>{id}</li>
      ))}
    </ul>
  );
};

export class Panel extends React.Component<Props> {
  render() {
    return <div className="panel">{this.props.orders.length}</div>;
  }

  componentDidMount() {
    console.log('mounted');
  }
}

export function Empty() {
  return <p>Nothing here</p>;
}

function Footer() {
  return <footer>© shop</footer>;
}
`,
  inMethod: { marker: "console.log('mounted')", name: 'componentDidMount', container: 'Panel', kind: 'method' },
  span: { from: 'return <p>Nothing', to: 'return <footer>', names: ['Empty', 'Footer'] },
  added: { text: 'export function Header() {\n  return <h1>Orders</h1>;\n}\n', name: 'Header' },
};

export const javascriptSample: CodeSample = {
  path: 'lib/cart.js',
  text: `'use strict';
const { EventEmitter } = require('events');

class Cart extends EventEmitter {
  constructor() {
    super();
    this.items = [];
  }

  add(item) {
    this.items.push(item);
    this.emit('change', this.items);
  }

  get size() {
    return this.items.length;
  }
}

function Legacy(name) {
  this.name = name;
}

Legacy.prototype.greet = function () {
  return 'hi ' + this.name;
};

function sum(items) {
  return items.reduce((a, b) => a + b.price, 0);
}

function render(cart) {
  return <span>{cart.size}</span>;
}

module.exports = { Cart, Legacy, sum, render };
`,
  inMethod: { marker: "this.emit('change'", name: 'add', container: 'Cart', kind: 'method' },
  span: { from: 'return items.reduce', to: 'return <span>', names: ['sum', 'render'] },
  added: { text: 'function clear(cart) {\n  cart.items = [];\n}\n', name: 'clear' },
};

export const pythonSample: CodeSample = {
  path: 'shop/orders.py',
  text: `"""Order handling."""
from dataclasses import dataclass

MAX_ITEMS = 50


@dataclass
class Order:
    id: str
    items: list

    def total(self) -> int:
        return sum(item.price for item in self.items)

    @property
    def empty(self) -> bool:
        return not self.items

    async def persist(self, repo):
        await repo.save(self)


def load(repo, order_id):
    return repo.get(order_id)


def dump(order):
    return {"id": order.id, "total": order.total()}
`,
  inMethod: { marker: 'return sum(item.price', name: 'total', container: 'Order', kind: 'method' },
  span: { from: 'return repo.get', to: 'return {"id"', names: ['load', 'dump'] },
  added: { text: '\n\ndef cancel(order):\n    order.items.clear()\n', name: 'cancel' },
};

export const goSample: CodeSample = {
  path: 'internal/order/order.go',
  text: `package order

import (
	"errors"
	"fmt"
)

const MaxItems = 50

type Order struct {
	ID    string
	Items []Item
}

type Store interface {
	Save(o *Order) error
}

func (o *Order) Total() int {
	total := 0
	for _, it := range o.Items {
		total += it.Price
	}
	return total
}

func (o Order) String() string {
	return fmt.Sprintf("%s (%d)", o.ID, o.Total())
}

func Validate(o *Order) error {
	if len(o.Items) == 0 {
		return errors.New("empty")
	}
	return nil
}

func New(id string) *Order {
	return &Order{ID: id}
}
`,
  inMethod: { marker: 'total += it.Price', name: 'Total', container: 'Order', kind: 'method' },
  span: { from: 'return errors.New', to: 'return &Order{ID', names: ['Validate', 'New'] },
  added: { text: '\nfunc Cancel(o *Order) {\n\to.Items = nil\n}\n', name: 'Cancel' },
};

export const rustSample: CodeSample = {
  path: 'src/order.rs',
  text: `use std::fmt;

pub const MAX_ITEMS: usize = 50;

#[derive(Debug, Clone)]
pub struct Order {
    pub id: String,
    pub items: Vec<Item>,
}

impl Order {
    pub fn new(id: &str) -> Self {
        Order { id: id.to_string(), items: Vec::new() }
    }

    pub fn total(&self) -> u64 {
        self.items.iter().map(|i| i.price).sum()
    }
}

impl fmt::Display for Order {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{} ({})", self.id, self.total())
    }
}

pub trait Store {
    fn save(&mut self, order: &Order) -> Result<(), String>;
}

pub fn validate(order: &Order) -> bool {
    !order.items.is_empty()
}

fn describe(order: &Order) -> String {
    format!("{}", order)
}
`,
  inMethod: { marker: 'self.items.iter().map', name: 'total', container: 'Order', kind: 'method' },
  span: { from: '!order.items.is_empty()', to: 'format!("{}", order)', names: ['validate', 'describe'] },
  added: { text: '\npub fn cancel(order: &mut Order) {\n    order.items.clear();\n}\n', name: 'cancel' },
};

export const javaSample: CodeSample = {
  path: 'src/main/java/shop/OrderService.java',
  text: `package shop;

import java.util.ArrayList;
import java.util.List;

@Service
public class OrderService {
    private final List<Order> orders = new ArrayList<>();

    public OrderService() {
    }

    public void place(Order order) {
        if (order.isEmpty()) {
            throw new IllegalArgumentException("empty");
        }
        orders.add(order);
    }

    public int count() {
        return orders.size();
    }

    public long total() {
        return orders.stream().mapToLong(Order::total).sum();
    }

    static class Audit {
        void log(String message) {
            System.out.println(message);
        }
    }
}
`,
  inMethod: { marker: 'System.out.println(message)', name: 'log', container: 'OrderService.Audit', kind: 'method' },
  span: { from: 'return orders.size()', to: 'return orders.stream()', names: ['count', 'total'] },
  added: { text: 'class Refund {\n    void apply() {\n    }\n}\n', name: 'Refund' },
};

export const cSample: CodeSample = {
  path: 'refs/refs.c',
  text: `#include <stdio.h>
#include "strbuf.h"

#define MAX_ALIASES 16
#define ALLOC_GROW(x, nr, alloc) \\
	do { \\
		if ((nr) > alloc) \\
			alloc = (nr) * 2; \\
	} while (0)

struct ref_entry {
	char *name;
	int flag;
	void (*release)(struct ref_entry *);
};

typedef struct {
	int count;
} counter_t;

enum ref_kind {
	REF_LOCAL,
	REF_REMOTE,
};

static int ref_count;

static const char *skip_prefix(const char *str, const char *prefix)
{
	while (*prefix)
		if (*str++ != *prefix++)
			return NULL;
	return str;
}

int parse_ref(struct ref_entry *entry, const char *new)
{
	if (!entry->name)
		return -1;
	entry->flag = 1;
	return 0;
}

void free_ref(struct ref_entry *entry)
{
	free(entry->name);
}

int ref_exists(const char *name);
`,
  inMethod: { marker: 'entry->flag = 1;', name: 'parse_ref', kind: 'function' },
  span: { from: 'entry->flag = 1;', to: 'free(entry->name);', names: ['parse_ref', 'free_ref'] },
  added: { text: '\nvoid clear_ref(struct ref_entry *entry)\n{\n\tentry->flag = 0;\n}\n', name: 'clear_ref' },
};

export const cppSample: CodeSample = {
  path: 'src/shop/order_service.cpp',
  text: `#include <string>
#include <vector>

namespace shop {

class Order;

template <typename T>
class Repository {
public:
    virtual ~Repository() = default;
    virtual void save(const T &item) = 0;
};

class OrderService : public Base {
public:
    explicit OrderService(Repository<Order> &repo) : repo_(repo) {}

    void place(const Order &order) {
        if (order.items.empty()) {
            throw std::invalid_argument("empty order");
        }
        repo_.save(order);
    }

    int count() const;
    bool operator==(const OrderService &other) const;

private:
    Repository<Order> &repo_;
};

struct Item {
    std::string name;
    int price;
    int total() const { return price; }
};

enum class Status { Open, Closed };

int OrderService::count() const {
    return static_cast<int>(orders_.size());
}

namespace detail {
int total_of(const std::vector<Item> &items) {
    int sum = 0;
    for (const auto &item : items) sum += item.price;
    return sum;
}
}  // namespace detail

std::string describe(const Order &order) {
    return order.id + ": " + std::to_string(detail::total_of(order.items));
}

}  // namespace shop

int shop::OrderService::size() { return 0; }
OrderService::~OrderService() {}
`,
  inMethod: { marker: 'throw std::invalid_argument', name: 'place', container: 'shop.OrderService', kind: 'method' },
  span: { from: 'sum += item.price', to: 'return order.id + ', names: ['total_of', 'describe'] },
  added: { text: '\nvoid cancel(Order &order) {\n    order.items.clear();\n}\n', name: 'cancel' },
};

export const csharpSample: CodeSample = {
  path: 'src/Shop/OrderService.cs',
  text: `using System;
using System.Collections.Generic;

namespace Shop.Orders
{
    public interface IRepository<T>
    {
        T Find(string id);
        void Save(T item);
    }

    public enum Status { Open, Closed }

    public struct Money
    {
        public long Cents { get; }
        public Money(long cents) => Cents = cents;
    }

    [Serializable]
    public class OrderService : IDisposable
    {
        private readonly List<Order> orders = new();

        public int Count => orders.Count;

        public OrderService(IRepository<Order> repo)
        {
            this.repo = repo;
        }

        public void Place(Order order)
        {
            if (order.Items.Count == 0)
            {
                throw new ArgumentException("empty order");
            }
            orders.Add(order);
        }

        public long Total()
        {
            return orders.Sum(o => o.Total);
        }

        public void Dispose()
        {
            orders.Clear();
        }
    }

    public record Order(string Id, List<Item> Items);
}
`,
  inMethod: { marker: 'throw new ArgumentException', name: 'Place', container: 'Shop.Orders.OrderService', kind: 'method' },
  span: { from: 'return orders.Sum', to: 'orders.Clear();', names: ['Total', 'Dispose'] },
  added: { text: '\npublic class Refund\n{\n    public void Apply() { }\n}\n', name: 'Refund' },
};

export const rubySample: CodeSample = {
  path: 'lib/shop/order.rb',
  text: `# frozen_string_literal: true

require 'json'

module Shop
  MAX_ITEMS = 50

  class Order < Base
    attr_reader :id, :items

    def initialize(id)
      @id = id
      @items = []
    end

    def total
      items.sum(&:price)
    end

    def self.load(repo, id)
      repo.find(id)
    end

    class << self
      def build(attrs)
        new(attrs[:id])
      end
    end

    private

    def validate!
      raise ArgumentError, 'empty order' if items.empty?
    end
  end

  module Helpers
    def format_price(cents)
      format('%.2f', cents / 100.0)
    end
  end
end

class Shop::Refund
  def apply; end
end

def describe(order)
  "#{order.id}: #{order.total}"
end

def dump(order)
  JSON.generate(id: order.id)
end
`,
  inMethod: { marker: "raise ArgumentError, 'empty order'", name: 'validate!', container: 'Shop.Order', kind: 'method' },
  span: { from: '"#{order.id}: #{order.total}"', to: 'JSON.generate', names: ['describe', 'dump'] },
  added: { text: '\ndef cancel(order)\n  order.items.clear\nend\n', name: 'cancel' },
};

export const phpSample: CodeSample = {
  path: 'src/Orders/OrderService.php',
  text: `<?php

declare(strict_types=1);

namespace Shop\\Orders;

use Shop\\Contracts\\Repository;

const MAX_ITEMS = 50;

interface Store
{
    public function save(Order $order): void;
}

trait Loggable
{
    protected function log(string $message): void
    {
        error_log($message);
    }
}

#[Entity]
final class OrderService implements Store
{
    use Loggable;

    private array $orders = [];

    public function __construct(private Repository $repo)
    {
    }

    public function place(Order $order): void
    {
        if (count($order->items) === 0) {
            throw new \\InvalidArgumentException('empty order');
        }
        $this->orders[] = $order;
    }

    public static function create(Repository $repo): self
    {
        return new self($repo);
    }
}

enum Status: string
{
    case Open = 'open';

    public function label(): string
    {
        return ucfirst($this->value);
    }
}

function total_of(array $items): int
{
    return array_sum(array_column($items, 'price'));
}

function describe(Order $order): string
{
    return $order->id . ': ' . total_of($order->items);
}
`,
  inMethod: { marker: "throw new \\InvalidArgumentException('empty order')", name: 'place', container: 'OrderService', kind: 'method' },
  span: { from: 'return array_sum', to: "return $order->id . ': '", names: ['total_of', 'describe'] },
  added: { text: '\nfunction cancel(Order $order): void\n{\n    $order->items = [];\n}\n', name: 'cancel' },
};

export const bashSample: CodeSample = {
  path: 'scripts/build.sh',
  text: `#!/usr/bin/env bash
set -euo pipefail

BUILD_DIR="\${BUILD_DIR:-build}"

log() {
  echo "[$(date +%T)] $*" >&2
}

function clean {
  rm -rf "$BUILD_DIR"
}

build_all() {
  mkdir -p "$BUILD_DIR"
  for target in "$@"; do
    make -C "$BUILD_DIR" "$target"
  done
}

run_tests() (
  cd "$BUILD_DIR" && ctest --output-on-failure
)

if [[ "\${1:-}" == "--clean" ]]; then
  clean
fi

main() {
  log "building"
  build_all all
}

main "$@"
`,
  inMethod: { marker: 'make -C "$BUILD_DIR"', name: 'build_all', kind: 'function' },
  span: { from: 'rm -rf "$BUILD_DIR"', to: 'mkdir -p "$BUILD_DIR"', names: ['clean', 'build_all'] },
  added: { text: '\ncleanup() {\n  rm -f "$TMP_FILE"\n}\n', name: 'cleanup' },
};

export const codeSamples: readonly CodeSample[] = [
  typescriptSample, tsxSample, javascriptSample, pythonSample, goSample, rustSample, javaSample,
  cSample, cppSample, csharpSample, rubySample, phpSample, bashSample,
];
