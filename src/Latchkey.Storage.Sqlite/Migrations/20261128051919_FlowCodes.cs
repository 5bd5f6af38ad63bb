using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Latchkey.Storage.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class FlowCodes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "CodeExpiresAt",
                table: "flows",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<byte[]>(
                name: "CodeHash",
                table: "flows",
                type: "BLOB",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "CodeSentAt",
                table: "flows",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Resends",
                table: "flows",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "CodeExpiresAt",
                table: "flows");

            migrationBuilder.DropColumn(
                name: "CodeHash",
                table: "flows");

            migrationBuilder.DropColumn(
                name: "CodeSentAt",
                table: "flows");

            migrationBuilder.DropColumn(
                name: "Resends",
                table: "flows");
        }
    }
}
